import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The child's entry beside this file, compiled (.js) or run from source (.ts) alike. */
const entry = (): string => {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(`./projector-main${extname(here)}`, import.meta.url));
};

export interface ProjectorOptions {
  /** The service's environment; the child reads the same configuration (same files, same holder). */
  env: NodeJS.ProcessEnv;
  /** This instance's name in leases: the projector holds the read models' leases under it. */
  holder: string;
  log: (message: string) => void;
  /** Before a restart after the child died on its own. */
  restartDelayMs?: number;
  /** The service's own Node flags (process.execArgv), which the child runs with before its own. */
  execArgv?: readonly string[];
}

/**
 * The child's young generation, in MiB per semi-space. Its live heap is small (≈ 20–30 MiB after a full
 * collection while catching up on 430 000 events) but it allocates fast, and V8 grows the young generation of
 * such a process to tens of MiB and keeps freed pages pooled: the child peaked at 328 MiB resident. With
 * 4 MiB it peaked at 138 MiB over the same catch-up (docs/performance.md, "the projector child's memory").
 */
export const PROJECTOR_SEMI_SPACE_MB = 4;

/**
 * The flags the child runs with: the service's (its heap limit, say), then its own young-generation size,
 * which wins over one the service was given (Node takes the last of a repeated V8 flag).
 */
export function projectorNodeFlags(serviceFlags: readonly string[]): string[] {
  return [...serviceFlags, `--max-semi-space-size=${PROJECTOR_SEMI_SPACE_MB}`];
}

/**
 * PROJECTOR=separate: the read models run in a child process on the same event store and read-model files,
 * so their SQL and commits never take the request event loop. A child process, not a worker thread: a
 * crash or a runaway apply cannot take the service down with it, it has its own heap and GC, and it is
 * what `ingest-split` measured. Everything that reads the read models (GET /ready and its lag,
 * read-your-writes waits, GET /v1/projections, replay requests) goes through the read-model database,
 * so it is the same in both modes. The child exits when the service dies (its IPC channel closes, even
 * on kill -9); it is restarted if it dies on its own.
 */
export class ProjectorProcess {
  private child?: ChildProcess;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ProjectorOptions) {}

  /** Resolves once the child runs its projections (or rejects with why it could not start). */
  start(): Promise<void> {
    const child = fork(entry(), [], {
      execArgv: projectorNodeFlags(this.options.execArgv ?? process.execArgv),
      env: { ...this.options.env, PROJECTOR: 'in-process', INSTANCE_ID: this.options.holder },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const started = new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`projector exited on start (code ${code})`));
      child.once('exit', onExit);
      child.on('message', (message: { kind?: string }) => {
        if (message?.kind !== 'started') return;
        child.off('exit', onExit);
        resolve();
      });
    });
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stopping) return;
      this.options.log(`projector exited (${signal ?? `code ${code}`}); restarting`);
      setTimeout(() => {
        if (!this.stopping) this.start().catch((error: Error) => this.options.log(error.message));
      }, this.options.restartDelayMs ?? 1000).unref();
    });
    return started;
  }

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Graceful: the child's runners commit what they received and hand back their leases, then it exits. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    await this.exited;
  }
}
