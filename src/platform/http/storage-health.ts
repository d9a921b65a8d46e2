import { EventStoreUnavailableError } from '../event-store/errors.js';

/**
 * SQLite's primary result codes that mean the storage itself is failing, not the request: busy or locked
 * past the timeout, read-only, I/O error, corrupt, full, cannot open, not a database. (Extended codes such
 * as SQLITE_IOERR_WRITE carry the primary code in their low byte.)
 */
const SQLITE_STORAGE_CODES = new Map([
  [5, 'SQLITE_BUSY'],
  [6, 'SQLITE_LOCKED'],
  [8, 'SQLITE_READONLY'],
  [10, 'SQLITE_IOERR'],
  [11, 'SQLITE_CORRUPT'],
  [13, 'SQLITE_FULL'],
  [14, 'SQLITE_CANTOPEN'],
  [26, 'SQLITE_NOTADB'],
]);
/** EventStoreDB client errors that mean the server cannot be reached or did not answer in time. */
const ESDB_UNAVAILABLE = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader']);
/** PostgreSQL SQLSTATE classes and codes of an unavailable database: connection, resources, shutdown. */
const POSTGRES_UNAVAILABLE = /^(08|53|57P0[123])/;

export interface StorageFailure {
  /** A stable name: SQLITE_FULL, EVENT_STORE_UNAVAILABLE, POSTGRES_53100 … */
  code: string;
  message: string;
}

/** Whether an error says the storage is failing (disk full, I/O, read-only, unreachable); undefined if not. */
export function storageFailureOf(error: unknown, depth = 0): StorageFailure | undefined {
  // Not `instanceof Error`: errors from Node's own modules may come from another realm (a test's VM).
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const { code, errcode, errstr, type, name, message } = error as Error & {
    code?: unknown;
    errcode?: unknown;
    errstr?: unknown;
    type?: unknown;
  };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    const sqliteName = SQLITE_STORAGE_CODES.get(errcode & 0xff);
    if (sqliteName)
      return { code: sqliteName, message: typeof errstr === 'string' ? errstr : String(message) };
  }
  if (error instanceof EventStoreUnavailableError || name === 'EventStoreUnavailableError')
    return { code: 'EVENT_STORE_UNAVAILABLE', message: String(message) };
  if (typeof type === 'string' && ESDB_UNAVAILABLE.has(type))
    return { code: 'EVENT_STORE_UNAVAILABLE', message: String(message) };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && POSTGRES_UNAVAILABLE.test(code))
    return { code: `POSTGRES_${code}`, message: String(message) };
  return storageFailureOf((error as { cause?: unknown }).cause, depth + 1);
}

export interface RecordedStorageFailure extends StorageFailure {
  at: string;
  /** What failed: a write (a command) or a read. */
  kind: 'write' | 'read';
  /** The request that met it, e.g. `POST /v1/usage/batch`. */
  request?: string;
}

/**
 * The instance's recent storage failures, for readiness: a failure keeps /ready at 503 until storage works
 * again — a write failure until a request that writes succeeds, a read failure until any request (or the
 * readiness probe's own read) does — or until `windowSeconds` have passed, so that an instance taken out
 * of rotation gets traffic again to find out.
 */
export class StorageHealth {
  private last: RecordedStorageFailure | undefined;

  constructor(
    private readonly windowSeconds = 30,
    private readonly now: () => number = Date.now,
  ) {}

  recordFailure(failure: StorageFailure, kind: 'write' | 'read', request?: string): void {
    this.last = { ...failure, kind, at: new Date(this.now()).toISOString(), ...(request ? { request } : {}) };
  }

  /** Storage answered: clears a read failure always, a write failure only when this was a write. */
  recordSuccess(kind: 'write' | 'read'): void {
    if (this.last && (kind === 'write' || this.last.kind === 'read')) this.last = undefined;
  }

  /** The failure readiness must report, if one is recent and nothing has cleared it. */
  recentFailure(): (RecordedStorageFailure & { ageSeconds: number }) | undefined {
    if (!this.last) return undefined;
    const ageSeconds = (this.now() - Date.parse(this.last.at)) / 1000;
    if (ageSeconds > this.windowSeconds) {
      this.last = undefined;
      return undefined;
    }
    return { ...this.last, ageSeconds };
  }
}

/** Seconds a client should wait before retrying after a storage failure (Retry-After). */
export const STORAGE_RETRY_AFTER_SECONDS = 5;
