import { randomUUID } from 'node:crypto';
import type { ReadModelDb } from './read-model-db.js';
import { nowMsSql } from './sql-dialect.js';

/**
 * A process's mark on the leases it holds: its start time (fixed width, so a later process's mark sorts
 * after an earlier one's) and a random part. An instance's holder name survives its restarts; the mark does not.
 */
export const processLeaseToken = (startedAtMs: number = Date.now()): string =>
  `${String(startedAtMs).padStart(15, '0')}-${randomUUID()}`;

export const PROCESS_LEASE_TOKEN = processLeaseToken();

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly lease: string,
    readonly holder: string,
  ) {
    super(`${holder} no longer holds the lease on projection ${lease}`);
  }
}

/**
 * Exactly one instance runs a given projection: a row naming the holder and when its claim expires (on
 * the database's clock). The holder renews it; a crashed holder stops renewing and loses it at expiry.
 * Every batch also checks the lease inside its own transaction (a fence), so an instance that was paused
 * past its expiry cannot commit after another has taken over: nothing is applied twice.
 *
 * A restarted instance (the same holder name) takes its leases back at once, without waiting for them to
 * expire; the lease also records the holding process's token, so that the process it replaced — a projector
 * child still finishing for a few milliseconds after its parent was killed, say — fails its next fence
 * instead of applying the same batch a second time, and cannot take the lease back while the newer one holds it.
 */
export class ProjectionLease {
  constructor(
    private readonly db: ReadModelDb,
    readonly name: string,
    readonly holder: string,
    readonly ttlMs: number,
    /** The holding process's mark; two processes in one test set their own. */
    readonly token: string = PROCESS_LEASE_TOKEN,
  ) {}

  /**
   * Takes the lease when it is free, expired, or held by this instance's same or an earlier process; true
   * when we hold it afterwards.
   */
  async tryAcquire(): Promise<boolean> {
    const now = nowMsSql(this.db);
    await this.db.run(
      `INSERT INTO projection_leases (name, holder, expires_at, acquired_at, token) VALUES ($1, '', 0, '', '') ON CONFLICT (name) DO NOTHING`,
      [this.name],
    );
    const row = await this.db.get(
      `UPDATE projection_leases SET holder = $2, token = $5, expires_at = ${now} + $3,
         acquired_at = CASE WHEN holder = $2 AND token = $5 THEN acquired_at ELSE $4 END
       WHERE name = $1 AND ((holder = $2 AND token <= $5) OR expires_at < ${now}) RETURNING holder`,
      [this.name, this.holder, this.ttlMs, new Date().toISOString(), this.token],
    );
    return row !== undefined;
  }

  /** Extends our claim; false when another instance, or a later process of this one, holds the lease now. */
  async renew(db: ReadModelDb = this.db): Promise<boolean> {
    const row = await db.get(
      `UPDATE projection_leases SET expires_at = ${nowMsSql(db)} + $3 WHERE name = $1 AND holder = $2 AND token = $4 RETURNING holder`,
      [this.name, this.holder, this.ttlMs, this.token],
    );
    return row !== undefined;
  }

  /** The fence: run inside a batch's transaction; throws (rolling the batch back) unless we still hold it. */
  readonly fence = async (db: ReadModelDb): Promise<void> => {
    if (!(await this.renew(db))) throw new LeaseLostError(this.name, this.holder);
  };

  async release(): Promise<void> {
    await this.db.run(
      `UPDATE projection_leases SET expires_at = 0 WHERE name = $1 AND holder = $2 AND token = $3`,
      [this.name, this.holder, this.token],
    );
  }

  static async holderOf(
    db: ReadModelDb,
    name: string,
  ): Promise<{ holder: string; expiresInMs: number } | undefined> {
    const row = await db.get<{ holder: string; remaining: number | string }>(
      `SELECT holder, expires_at - ${nowMsSql(db)} AS remaining FROM projection_leases WHERE name = $1`,
      [name],
    );
    if (!row || Number(row.remaining) <= 0) return undefined;
    return { holder: row.holder, expiresInMs: Number(row.remaining) };
  }
}
