import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export type SyncSqlValue = string | number | Uint8Array | null;

interface Reply {
  id: number;
  rows?: Record<string, unknown>[];
  error?: { message: string; code?: string };
}

/**
 * The worker's code (CommonJS, evaluated: it needs no file of its own, built or under test). One pg client,
 * reconnected after it breaks; each reply is posted, then the counter in the shared memory is bumped and
 * the waiting thread woken.
 */
const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, counter, pgPath, connectionString, connectTimeoutMs } = workerData;
const signal = new Int32Array(counter);
let pg, loadError, client;
try { pg = require(pgPath); } catch (error) { loadError = error; }
async function connected() {
  if (loadError) throw loadError;
  if (!client) {
    const fresh = new pg.Client({ connectionString, connectionTimeoutMillis: connectTimeoutMs });
    fresh.on('error', () => { if (client === fresh) client = undefined; });
    client = fresh;
    try { await fresh.connect(); } catch (error) { client = undefined; throw error; }
  }
  return client;
}
const asParam = (p) => (p instanceof Uint8Array ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p);
port.on('message', async ({ id, sql, params, close }) => {
  let reply;
  try {
    if (close) { if (client) await client.end(); client = undefined; reply = { id, rows: [] }; }
    else {
      const result = await (await connected()).query(sql, params.map(asParam));
      reply = { id, rows: result.rows };
    }
  } catch (error) {
    reply = { id, error: { message: String(error && error.message || error), code: error && error.code } };
  }
  port.postMessage(reply);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

/** An error PostgreSQL (or the connection to it) reported, with its SQLSTATE code when there is one. */
export class SyncPostgresError extends Error {
  override readonly name = 'SyncPostgresError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Synchronous statements on PostgreSQL: a worker thread runs them on its own connection while this thread
 * waits (Atomics.wait) for the answer. For callers whose interface is synchronous and must stay so — the
 * personal-data vault unseals inside event decoding — and whose statements are few and short. It blocks
 * this thread for one round trip per statement; statements run one at a time, in order.
 */
export class SyncPostgres {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private nextId = 1;
  private closed = false;

  constructor(
    connectionString: string,
    private readonly timeoutMs = 30_000,
  ) {
    const { port1, port2 } = new MessageChannel();
    const counter = new SharedArrayBuffer(4);
    this.signal = new Int32Array(counter);
    this.port = port1;
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        port: port2,
        counter,
        pgPath: createRequire(import.meta.url).resolve('pg'),
        connectionString,
        connectTimeoutMs: Math.min(10_000, timeoutMs),
      },
      transferList: [port2],
    });
    // Neither keeps the process alive: a process that forgets close() still exits.
    this.worker.unref();
    this.port.unref();
  }

  /** The rows the statement returns (`$1, $2…` parameters). */
  query<T = Record<string, unknown>>(sql: string, params: SyncSqlValue[] = []): T[] {
    return this.request({ sql, params }) as T[];
  }

  close(): void {
    if (this.closed) return;
    try {
      this.request({ close: true });
    } finally {
      this.closed = true;
      void this.worker.terminate();
    }
  }

  private request(message: { sql?: string; params?: SyncSqlValue[]; close?: boolean }): unknown[] {
    if (this.closed) throw new SyncPostgresError('The PostgreSQL connection is closed');
    const id = this.nextId++;
    const deadline = Date.now() + this.timeoutMs;
    this.port.postMessage({ id, ...message });
    for (;;) {
      // Read the counter before looking for the reply: a reply posted after the look bumps it, so the wait
      // below returns at once instead of missing it.
      const seen = Atomics.load(this.signal, 0);
      const received = receiveMessageOnPort(this.port) as { message: Reply } | undefined;
      if (received) {
        const reply = received.message;
        if (reply.id !== id) continue; // the late answer to a statement that timed out
        if (reply.error) throw new SyncPostgresError(reply.error.message, reply.error.code);
        return reply.rows ?? [];
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new SyncPostgresError(`PostgreSQL did not answer within ${this.timeoutMs} ms`);
      Atomics.wait(this.signal, 0, seen, left);
    }
  }
}
