/**
 * Entry point of a fleet worker process (fleet.ts forks it): one FleetWorkerJob in over IPC,
 * one report (or error) out, then exit.
 */
import { runPollers, type FleetWorkerJob } from './fleet-worker.js';

if (!process.send) {
  console.error('fleet-worker-main: run by ocilab bench --fleet (needs an IPC channel)');
  process.exit(2);
}
process.once('message', (job: FleetWorkerJob) => {
  runPollers(job).then(
    (report) => process.send!({ report }, () => process.exit(0)),
    (err: Error) => process.send!({ error: err.message }, () => process.exit(1)),
  );
});
// the parent going away ends us too
process.on('disconnect', () => process.exit(1));
process.send({ ready: true });
