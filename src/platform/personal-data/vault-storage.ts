import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ensureDirCreatedPrivate, makeSqliteFilePrivate } from '../files/private-files.js';
import { SyncPostgres, type SyncSqlValue } from './sync-postgres.js';

export type VaultValue = SyncSqlValue;

/**
 * Where the vault keeps its wrapped keys: the instance's own SQLite file (keys.sqlite), or — when instances
 * share PostgreSQL — tables there, so a key created on one instance opens the account's data on every
 * other. The same statements on both (`$1, $2…` parameters, INSERT … ON CONFLICT, COALESCE); only the
 * column type of a key and the clean-up after a key is destroyed differ. Synchronous: the vault unseals
 * inside event decoding.
 */
export interface VaultStorage {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where, for messages: the file, or the database without its password. */
  readonly location: string;
  run(sql: string, params?: VaultValue[]): void;
  get<T = Record<string, unknown>>(sql: string, params?: VaultValue[]): T | undefined;
  all<T = Record<string, unknown>>(sql: string, params?: VaultValue[]): T[];
  /** `work` in one transaction that holds the write lock from its start. */
  transaction<T>(work: () => T): T;
  /**
   * After a key was destroyed or rewritten: removes the old bytes the store still keeps beside the table
   * (SQLite: the WAL's page images). PostgreSQL keeps the old row version until VACUUM reuses its space.
   */
  scrub(): void;
  /** After keys were rewritten in bulk: the file rebuilt so freed pages hold nothing (SQLite's VACUUM). */
  compact(): void;
  close(): void;
}

/** The instance's own file: 0600, durable before an answer goes out, deleted content zeroed. */
export class SqliteVaultStorage implements VaultStorage {
  readonly dialect = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(readonly location: string) {
    if (location !== ':memory:') ensureDirCreatedPrivate(dirname(location));
    this.db = new DatabaseSync(location, { timeout: 5000 });
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;');
    makeSqliteFilePrivate(location);
  }

  /** $1 → ?1: SQLite binds numbered parameters positionally, as PostgreSQL does. Prepared once. */
  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  run(sql: string, params: VaultValue[] = []): void {
    if (params.length === 0 && !sql.includes('$')) this.db.exec(sql);
    else this.statement(sql).run(...params);
  }

  get<T>(sql: string, params: VaultValue[] = []): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, params: VaultValue[] = []): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Moves everything into the main file and empties the WAL: old page images hold old key bytes. */
  scrub(): void {
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  compact(): void {
    this.db.exec('VACUUM');
    this.scrub();
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/**
 * Tables in the PostgreSQL database the instances share (READ_MODEL_DB or WORKERS_DB). Each statement is a
 * round trip on the vault's own connection (see SyncPostgres); a destroyed key is NULL at once for every
 * instance, since none keeps a copy of a key.
 */
export class PostgresVaultStorage implements VaultStorage {
  readonly dialect = 'postgres' as const;
  readonly location: string;
  private readonly pg: SyncPostgres;

  constructor(connectionString: string, timeoutMs?: number) {
    this.location = withoutPassword(connectionString);
    this.pg = new SyncPostgres(connectionString, timeoutMs);
  }

  run(sql: string, params: VaultValue[] = []): void {
    this.pg.query(sql, params);
  }

  get<T>(sql: string, params: VaultValue[] = []): T | undefined {
    return this.pg.query<T>(sql, params)[0];
  }

  all<T>(sql: string, params: VaultValue[] = []): T[] {
    return this.pg.query<T>(sql, params);
  }

  transaction<T>(work: () => T): T {
    this.pg.query('BEGIN');
    try {
      const result = work();
      this.pg.query('COMMIT');
      return result;
    } catch (error) {
      this.pg.query('ROLLBACK');
      throw error;
    }
  }

  scrub(): void {}

  compact(): void {}

  close(): void {
    this.pg.close();
  }
}

/** A connection URL as messages may show it: the password masked. */
export function withoutPassword(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'the PostgreSQL database';
  }
}
