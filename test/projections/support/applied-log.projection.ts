import type { Projection } from '../../../projections/runner/projection.js';

/**
 * Records which instance applied each event. The insert has no ON CONFLICT: an event applied twice
 * would violate the primary key and stop the projection, so "nothing applied twice" is checked by the
 * database itself as well as by the test.
 */
export function appliedLogProjection(holder: string, slowApplyMs = 0): Projection {
  return {
    name: 'applied-log',
    version: 1,
    filter: { streamPrefixes: ['work-'] },
    async setup(db, table) {
      await db.run(
        `CREATE TABLE IF NOT EXISTS ${table('applied')} (position TEXT PRIMARY KEY, event_id TEXT NOT NULL, holder TEXT NOT NULL)`,
      );
    },
    async apply(db, event, table) {
      if (slowApplyMs > 0) await new Promise((resolve) => setTimeout(resolve, slowApplyMs));
      await db.run(`INSERT INTO ${table('applied')} (position, event_id, holder) VALUES ($1, $2, $3)`, [
        event.position.toString().padStart(20, '0'),
        event.id,
        holder,
      ]);
    },
  };
}
