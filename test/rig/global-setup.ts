/**
 * One rig for the whole rig suite (vitest.rig.config.ts globalSetup): started once here and
 * handed to every test file through OCILAB_RIG_STATE (startRig() then reuses it), stopped
 * after the last file. A rig the caller already started (OCILAB_RIG_STATE set) is reused
 * and left running. Binaries not built: nothing starts and the files skip (FAIL under CI).
 */
import { rigAvailable, startRig, stopRig, type RigEnv } from './rig.js';

export default async function setup(): Promise<() => Promise<void>> {
  let rig: RigEnv | undefined;
  if (!process.env.OCILAB_RIG_STATE && rigAvailable()) {
    rig = await startRig();
    process.env.OCILAB_RIG_STATE = rig.state;
    console.log(`[rig] scripts/rig/up took ${Math.round(rig.upMs ?? 0)} ms (state ${rig.state})`);
  }
  return async () => {
    if (!rig) return;
    delete process.env.OCILAB_RIG_STATE;
    await stopRig(rig);
  };
}
