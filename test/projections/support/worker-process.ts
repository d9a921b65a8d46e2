import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnTs } from '../../support/child-process.js';

const workerScript = fileURLToPath(new URL('./projection-worker.ts', import.meta.url));

export interface Worker {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first output line (already printed or to come) that matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  killHard(): Promise<void>;
  stop(): Promise<void>;
}

export function startWorker(
  storePath: string,
  readModelDb: string,
  holder: string,
  env: Record<string, string> = {},
): Worker {
  return startChild(workerScript, [storePath, readModelDb, holder], holder, env);
}

/** Any TypeScript script of this repository as a child process whose output lines can be awaited. */
export function startChild(
  script: string,
  args: string[],
  holder: string,
  env: Record<string, string> = {},
): Worker {
  const child = spawnTs(script, args, env);
  const lines: string[] = [];
  let stderr = '';
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    lines,
    waitForLine(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `worker ${holder}: no matching line in time. Output: ${lines.slice(-5).join(' | ')} ${stderr}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
        void exited.then(() => {
          if (waiters.has(check)) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`worker ${holder} exited: ${stderr}`));
          }
        });
      });
    },
    async killHard() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
