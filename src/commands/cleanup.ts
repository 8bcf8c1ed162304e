/**
 * `ocilab cleanup`: remove what ocilab created and nothing else. kind: the clusters recorded
 * as created by ocilab and the containers labelled io.ocilab.managed=true. cluster: the
 * objects labelled app.kubernetes.io/managed-by=ocilab in the namespace, and the namespace
 * when ocilab created it.
 */
import { Command, Option } from 'commander';
import { EXIT, UsageError } from './exit-codes.js';

interface CleanupFlags {
  target: 'kind' | 'cluster';
  context?: string;
  namespace?: string;
  dryRun?: boolean;
}

export function cleanupCommand(): Command {
  return new Command('cleanup')
    .description('remove everything ocilab created on a target (never what it found there)')
    .addOption(new Option('-t, --target <target>', 'which target').choices(['kind', 'cluster']).default('kind'))
    .option('--context <name>', 'cluster: kubeconfig context (default: the current one)')
    .option('--namespace <ns>', 'cluster: namespace to clean (default: ocilab-<your user name>)')
    .option('--dry-run', 'say what would be removed; remove nothing')
    .addHelpText('after', '\nExamples:\n  ocilab cleanup --target kind\n  ocilab cleanup --target cluster --context workshop --dry-run')
    .action(async (flags: CleanupFlags) => {
      const log = (l: string) => process.stdout.write(`${l}\n`);
      if (flags.target === 'kind') {
        if (flags.context || flags.namespace) throw new UsageError('--context and --namespace apply to --target cluster');
        const { detectProvider } = await import('../kind/provider.js');
        const { ContainerEngine } = await import('../kind/container-engine.js');
        const { KindCli } = await import('../kind/kind-cli.js');
        const { ClusterOwnership } = await import('../kind/ownership.js');
        const { cleanupKind } = await import('../kind/cleanup.js');
        const { Plan } = await import('../kube/plan.js');
        const found = await detectProvider();
        if (!found.usable || !found.engine) throw new UsageError(`cleanup needs the container engine: ${found.reason}`);
        const plan = flags.dryRun ? new Plan() : undefined;
        const tool = { plan, log: plan ? undefined : (l: string) => log(l) };
        const ownership = new ClusterOwnership();
        const report = await cleanupKind(new KindCli(found.engine, tool), new ContainerEngine(found.engine, tool), ownership);
        if (plan) {
          log(plan.toText() || 'nothing to remove');
        } else {
          log(`kind clusters deleted: ${report.clustersDeleted.join(', ') || 'none'}`);
          if (report.clustersAlreadyGone.length) log(`already gone (forgotten): ${report.clustersAlreadyGone.join(', ')}`);
          log(`containers removed: ${report.containersRemoved.join(', ') || 'none'}`);
          if (report.networkRemoved) log(`network removed: ${report.networkRemoved} (no kind cluster left; kind makes it again)`);
        }
      } else {
        const { KubeClient } = await import('../kube/client.js');
        const { clusterKubeConfig } = await import('../targets/cluster.js');
        const { TargetError } = await import('../targets/target.js');
        const { attendeeNamespace, checkNamespace } = await import('../targets/namespace.js');
        const { cleanupCluster } = await import('../targets/cluster-cleanup.js');
        let namespace: string;
        let client: InstanceType<typeof KubeClient>;
        try {
          namespace = checkNamespace(flags.namespace ?? attendeeNamespace());
          client = new KubeClient(clusterKubeConfig({ context: flags.context }));
        } catch (err) {
          if (err instanceof TargetError) throw new UsageError(err.message);
          throw err;
        }
        const removed = await cleanupCluster(client, namespace, log, { dryRun: flags.dryRun === true });
        log(`${flags.dryRun ? 'would remove' : 'removed'} ${removed.length} object(s) in ${namespace} on context ${client.kc.getCurrentContext()}`);
      }
      process.exitCode = EXIT.ok;
    });
}
