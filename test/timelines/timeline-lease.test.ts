import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { openReadModelDb } from '../../src/ops/projections/projections-runtime.js';
import { ProjectionLease } from '../../projections/runner/projection-lease.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { startPgCluster, type PgCluster } from '../projections/support/pg-cluster.js';
import { startChild, type Worker } from '../projections/support/worker-process.js';
import { startTimelines } from './timeline-harness.js';

const childScript = fileURLToPath(new URL('./lease-child.ts', import.meta.url));
const LEASE_TTL_MS = 1500;
const DAY = 86_400_000;
const HISTORY_STARTS = '2026-03-01T09:00:00.000Z';
/** Every instance's clock: 40 days after the freezes, so all of their deadlines (3/7, 30, 37 days) are due. */
const INSTANCES_NOW = new Date(Date.parse(HISTORY_STARTS) + 40 * DAY).toISOString();

async function until(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  explain: () => Promise<string> = async () => '',
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${await explain()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const firedBy = (worker: Worker) =>
  worker.lines.filter((line) => line.startsWith('fired ')).map((line) => line.split(' ')[1]!);

async function deadlines(db: ReadModelDb, accountId: string) {
  return db
    .all<{ id: string; status: string }>(
      `SELECT id, status FROM timeline_deadlines_v3 WHERE account_id = $1 AND due_at <= $2 ORDER BY id`,
      [accountId, INSTANCES_NOW],
    )
    .catch(() => []);
}

/** Waits until every deadline of the account due at the instances' time is marked fired and reported by `by`. */
const allFired = (db: ReadModelDb, accountId: string, by: Worker) =>
  until(
    async () => {
      const rows = await deadlines(db, accountId);
      const reported = firedBy(by);
      return rows.length > 0 && rows.every((r) => r.status === 'done' && reported.includes(r.id));
    },
    20_000,
    `${accountId}'s deadlines to be fired by the holder`,
    async () => JSON.stringify({ rows: await deadlines(db, accountId), reported: firedBy(by) }),
  );

describe('the timelines on several instances', () => {
  let dir: string;
  let cluster: PgCluster;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'timelines-lease-'));
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['SQLite', async () => join(dir, `timelines-${Date.now()}.sqlite`)],
    ['PostgreSQL', () => cluster.freshSchema()],
  ])(
    'on %s: one instance fires the deadlines; after a kill -9 the other takes over, nothing fired twice',
    async (_kind, target) => {
      const storePath = join(dir, `events-${Date.now()}.sqlite`);
      const history = await startTimelines(
        '2026-03-01T09:00:00.000Z',
        ':memory:',
        SqliteEventStore.open({ path: storePath }),
      );
      const freeze = async (accountId: string) => {
        await history.open({
          accountId,
          profileId: 'vk-individual-prepaid',
          payerType: 'individual',
          contract: 'public-offer',
        });
        history.clock.set(new Date(history.clock.now().getTime() + 60_000));
        expect((await history.use(accountId, `${accountId}-u1`, '0.01')).eventTypes).toEqual([
          'ResourceConsumed',
          'AccountFrozen',
        ]);
      };
      const timelinesDb = await target();
      const db = openReadModelDb(timelinesDb);
      await freeze('ivan');

      const args = (holder: string) => [storePath, timelinesDb, holder, INSTANCES_NOW, String(LEASE_TTL_MS)];
      const a = startChild(childScript, args('instance-a'), 'instance-a');
      let b: Worker | undefined;
      try {
        await a.waitForLine((line) => line === 'held');
        b = startChild(childScript, args('instance-b'), 'instance-b');
        await b.waitForLine((line) => line === 'started');
        await allFired(db, 'ivan', a);
        expect(await ProjectionLease.holderOf(db, 'timeline-deadlines')).toMatchObject({
          holder: 'instance-a',
        });
        expect(b.lines).not.toContain('held');
        expect(firedBy(b)).toEqual([]);
        const firedByA = firedBy(a);
        expect(firedByA.sort()).toEqual((await deadlines(db, 'ivan')).map((r) => r.id));

        await a.killHard();
        await freeze('olga');
        await b.waitForLine((line) => line === 'held', 15_000);
        await allFired(db, 'olga', b);
        const firedByB = firedBy(b);
        expect(firedByB.sort()).toEqual((await deadlines(db, 'olga')).map((r) => r.id));
        expect(firedByB.filter((id) => firedByA.includes(id))).toEqual([]);
        // Each account's frozen objects were queued for deletion exactly once, by the instance that held them.
        for (const accountId of ['ivan', 'olga']) {
          const queued = (await history.store.readAll({ maxCount: 10_000 })).filter(
            (e) =>
              e.type === 'FrozenObjectsQueuedForDeletion' && e.streamId.startsWith(`ledger-${accountId}@`),
          );
          expect(queued).toHaveLength(1);
        }
      } finally {
        await a.killHard();
        await b?.stop();
        await db.close();
        await history.close();
      }
    },
    60_000,
  );
});
