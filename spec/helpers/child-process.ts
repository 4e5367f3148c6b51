/** Runs node child processes for the specs that must watch a whole process live and die. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** It was still running after the limit and was killed. */
  timedOut: boolean;
  ms: number;
}

/** Runs `node ...args`; kills it after `limitMs`. */
export function runNode(args: string[], limitMs = 10_000): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - t0 });
    });
  });
}

/** Runs `source` as an ES module script (.mjs in a temp folder) in a child node. */
export async function runScript(source: string, limitMs = 10_000): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'rxjs-futures-script-'));
  const file = join(dir, 'script.mjs');
  writeFileSync(file, source);
  try {
    return await runNode([file], limitMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether process `pid` still exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
