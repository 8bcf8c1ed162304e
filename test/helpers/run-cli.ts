/**
 * The built CLI run as a user runs it, for tests that read a whole `--plain` run: output
 * (stdout and stderr together, in order of arrival) and exit code; SIGINT after `timeoutMs`.
 */
import { spawn } from 'node:child_process';
import { builtCli, repoRoot } from './built-cli.js';

export function runBuiltCli(args: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtCli, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** The built CLI run to its end, stdout and stderr kept apart (help vs usage errors). */
export function runBuiltCliStreams(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtCli, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The lines of one step of a --plain run, from its start line to its passed/failed line. */
export function stepLines(out: string, id: string): string {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => new RegExp(`\\[\\d+/\\d+\\] ${id} `).test(l));
  const end = lines.findIndex((l, i) => i > start && new RegExp(`\\[\\d+/\\d+\\] ${id} (passed|failed)`).test(l));
  return lines.slice(start, end + 1).join('\n');
}
