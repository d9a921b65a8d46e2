import type { ReadModelDb } from './read-model-db.js';
import { nowMsSql } from './sql-dialect.js';

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
 */
export class ProjectionLease {
  constructor(
    private readonly db: ReadModelDb,
    readonly name: string,
    readonly holder: string,
    readonly ttlMs: number,
  ) {}

  /** Takes the lease when it is free, expired or already ours; true when we hold it afterwards. */
  async tryAcquire(): Promise<boolean> {
    const now = nowMsSql(this.db);
    await this.db.run(
      `INSERT INTO projection_leases (name, holder, expires_at, acquired_at) VALUES ($1, '', 0, '') ON CONFLICT (name) DO NOTHING`,
      [this.name],
    );
    const row = await this.db.get(
      `UPDATE projection_leases SET holder = $2, expires_at = ${now} + $3,
         acquired_at = CASE WHEN holder = $2 THEN acquired_at ELSE $4 END
       WHERE name = $1 AND (holder = $2 OR expires_at < ${now}) RETURNING holder`,
      [this.name, this.holder, this.ttlMs, new Date().toISOString()],
    );
    return row !== undefined;
  }

  /** Extends our claim; false when someone else holds the lease now. */
  async renew(db: ReadModelDb = this.db): Promise<boolean> {
    const row = await db.get(
      `UPDATE projection_leases SET expires_at = ${nowMsSql(db)} + $3 WHERE name = $1 AND holder = $2 RETURNING holder`,
      [this.name, this.holder, this.ttlMs],
    );
    return row !== undefined;
  }

  /** The fence: run inside a batch's transaction; throws (rolling the batch back) unless we still hold it. */
  readonly fence = async (db: ReadModelDb): Promise<void> => {
    if (!(await this.renew(db))) throw new LeaseLostError(this.name, this.holder);
  };

  async release(): Promise<void> {
    await this.db.run(`UPDATE projection_leases SET expires_at = 0 WHERE name = $1 AND holder = $2`, [
      this.name,
      this.holder,
    ]);
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
