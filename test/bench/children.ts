/** The benchmarks' child processes (provider, bus): started with tsx, reporting over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

/** Forks `script` from this folder and resolves with the first message it sends (its port, …). */
export function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; info: Record<string, unknown> }> {
  const profile =
    process.env.BENCH_PROFILE && script.startsWith('bus') ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = fork(join(here, script), [], {
    execArgv: ['--import', 'tsx', ...profile],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, info: info as Record<string, unknown> }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** Asks a child to stop and resolves with its last report (peak memory, …). */
export function stopChild(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('message', (m) => resolve(m as Record<string, unknown>));
    child.once('exit', () => resolve({}));
    child.send('stop');
  });
}
