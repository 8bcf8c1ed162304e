/**
 * `ocilab prepare --target kind`: cache what an offline run needs (images, Flux install
 * manifests) and, with --warm, create the cluster ahead of time. Exit 1 when something could
 * not be cached (it is listed, with how to get it).
 */
import { Command, Option } from 'commander';
import { appCleanup } from '../process/shutdown.js';
import { ContainerEngine, type EngineName } from '../kind/container-engine.js';
import type { KindTargetOptions } from '../targets/kind.js';
import { DEFAULT_CLUSTER_NAME } from '../kind/kind-cli.js';
import { detectProvider } from '../kind/provider.js';
import { Tool } from '../kind/tool.js';
import { defaultCacheDir } from '../targets/cache.js';
import { EXIT, UsageError } from './exit-codes.js';

interface PrepareFlags {
  target: string;
  cacheDir: string;
  warm?: boolean;
  nodeImage?: string;
  clusterName?: string;
}

/** The kind target `--warm` brings up: the node image given to prepare is the one the cluster is created with. */
export function warmTargetOptions(flags: Pick<PrepareFlags, 'cacheDir' | 'nodeImage' | 'clusterName'>, engine: EngineName): KindTargetOptions {
  return {
    engine,
    cacheDir: flags.cacheDir,
    ...(flags.clusterName ? { clusterName: flags.clusterName } : {}),
    ...(flags.nodeImage ? { nodeImage: flags.nodeImage } : {}),
  };
}

export function prepareCommand(): Command {
  return new Command('prepare')
    .description('cache the images and Flux manifests a kind run needs offline (docker pull + save); --warm creates the cluster now')
    .addOption(new Option('-t, --target <target>', 'target to prepare').choices(['kind']).default('kind'))
    .option('--cache-dir <dir>', 'where archives and manifests go', defaultCacheDir())
    .option('--node-image <ref>', 'also cache this kindest/node image (and create the --warm cluster with it)')
    .option('--cluster-name <name>', `kind cluster for --warm (default: ${JSON.stringify(DEFAULT_CLUSTER_NAME)})`)
    .option('--warm', 'create the registry, the kind cluster and Flux now, so the talk starts warm')
    .addHelpText('after', '\nExamples:\n  ocilab prepare --target kind\n  ocilab prepare --target kind --warm --node-image kindest/node:v1.34.0')
    .action(async (flags: PrepareFlags) => {
      const log = (l: string) => process.stdout.write(`${l}\n`);
      const found = await detectProvider();
      if (!found.usable || !found.engine) throw new UsageError(`prepare needs a running container engine: ${found.reason} (see ocilab doctor --target kind)`);
      const engine = new ContainerEngine(found.engine);
      const { prepareKindCache } = await import('../targets/prepare.js');
      const result = await prepareKindCache({ engine, flux: new Tool('flux'), cacheDir: flags.cacheDir, nodeImage: flags.nodeImage, log });
      log(`\n${result.cached.length} cached in ${flags.cacheDir}; ${result.missing.length} not cached`);
      for (const m of result.missing) log(`  - ${m}`);
      if (flags.warm) {
        const { KindTarget } = await import('../targets/kind.js');
        const target = new KindTarget(warmTargetOptions(flags, found.engine));
        const ac = new AbortController();
        await target.prepare({ signal: ac.signal, log, cleanup: appCleanup, workDir: flags.cacheDir });
        log(`warm: kind cluster ${target.clusterName} is up with the registry and Flux`);
      }
      process.exitCode = result.missing.length > 0 ? EXIT.failed : EXIT.ok;
    });
}
