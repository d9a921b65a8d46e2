/**
 * The cost query against a recomputation from the raw events (issue 15, "done when"): over random usage
 * histories — two accounts in different time zones, several projects, resources, labels, SKUs, days and
 * ledger periods — the answer of the costs read model for a random grouping and range equals, to the
 * kopeck, the ResourceConsumed amounts of that account in that range (local days, counted at the last
 * instant of the usage window) summed with big.js per the same grouping — with corrections (ChargeCorrected:
 * late usage, voids, re-rates, adjustments) as signed amounts on their record's day and attribution, an
 * adjustment's on its booking day in `default`; a late record counts as a record, other corrections not. The log is folded by the
 * projection's own code (foldLog); the query reads it through ReadModelDb.iterate. One history is also run
 * on PostgreSQL, whose cursor is another code path.
 */
import { randomUUID } from 'node:crypto';
import Big from 'big.js';
import fc from 'fast-check';
import { costsProjection } from '../../projections/costs.projection.js';
import { costQuery } from '../../projections/queries/cost-query.query.js';
import { foldLog } from '../../projections/queries/from-log.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { ProjectionRegistry } from '../../projections/runner/projection-registry.js';
import {
  emptyCostTotals,
  groupedCosts,
  type CostDimension,
  type CostRow,
} from '../../src/domain/documents/cost-query.js';
import type { ChargeCorrection } from '../../src/domain/ledger/ledger-events.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { caughtUp, startHost } from './support/hosts.js';
import { startPgCluster } from './support/pg-cluster.js';

const ACCOUNTS = [
  { accountId: 'cost-msk', timeZone: 'Europe/Moscow' },
  { accountId: 'cost-ala', timeZone: 'Asia/Almaty' },
] as const;
const LABELS = { env: ['prod', 'test'], team: ['web', 'db', 'ml'] } as const;
const DIMENSIONS: CostDimension[] = ['project', 'resource', 'sku', 'day', 'label:env', 'label:team'];

interface Usage {
  account: 0 | 1;
  project?: string;
  resourceId?: string;
  labels: Record<string, string>;
  sku: string;
  /** Minutes after 2026-02-26T00:00Z: usage from late February to early April crosses three periods. */
  minute: number;
  kopecks: number;
  grantKopecks: number;
}

const usageArbitrary: fc.Arbitrary<Usage> = fc.record({
  account: fc.constantFrom(0 as const, 1 as const),
  project: fc.option(fc.constantFrom('shop', 'crm', 'ml-lab'), { nil: undefined }),
  resourceId: fc.option(fc.constantFrom('vm-1', 'vm-2', 'disk-7'), { nil: undefined }),
  labels: fc.record(
    { env: fc.constantFrom(...LABELS.env), team: fc.constantFrom(...LABELS.team) },
    { requiredKeys: [] },
  ),
  sku: fc.constantFrom('compute.vcpu.hour', 'compute.ram.gb.hour', 'storage.ssd.gb.hour'),
  minute: fc.integer({ min: 0, max: 40 * 24 * 60 }),
  kopecks: fc.integer({ min: 0, max: 500_000 }),
  grantKopecks: fc.integer({ min: 0, max: 100 }),
});

/** A correction of the usage record `of` (modulo the history's length), booked at `bookedMinute`. */
interface Correction {
  kind: 'late-usage' | 'usage-voided' | 'usage-rerated' | 'adjustment';
  of: number;
  kopecks: number;
  grantKopecks: number;
  bookedMinute: number;
  /** A void stored before voids carried their window: counted on its booking day. */
  windowless: boolean;
  sku?: string;
}

const correctionArbitrary: fc.Arbitrary<Correction> = fc.record({
  kind: fc.constantFrom(
    'late-usage' as const,
    'usage-voided' as const,
    'usage-rerated' as const,
    'adjustment' as const,
  ),
  of: fc.nat(),
  kopecks: fc.integer({ min: -500_000, max: 500_000 }),
  grantKopecks: fc.integer({ min: 0, max: 100 }),
  bookedMinute: fc.integer({ min: 0, max: 40 * 24 * 60 }),
  windowless: fc.boolean(),
  sku: fc.option(fc.constantFrom('compute.vcpu.hour', 'storage.ssd.gb.hour'), { nil: undefined }),
});

const queryArbitrary = fc.record({
  dimensions: fc.shuffledSubarray(DIMENSIONS, { minLength: 1, maxLength: 4 }),
  account: fc.constantFrom(0 as const, 1 as const),
  // Days after 2026-02-25: ranges from one day to the whole history and beyond it.
  fromDay: fc.integer({ min: 0, max: 45 }),
  days: fc.integer({ min: 0, max: 45 }),
});

const kopecks = (n: number) => new Big(n).div(100).toFixed(2);
const minuteAt = (minute: number) =>
  new Date(Date.parse('2026-02-26T00:00:00Z') + minute * 60_000).toISOString();
const dayAfter = (start: string, days: number) =>
  new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The local date of an instant, by the platform's time zone data (not the domain's code). */
const localDay = (instant: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(instant),
  );

/** The events a history stores: each account opened, then its charges in the ledger stream of their month. */
async function storeHistory(store: SqliteEventStore, history: Usage[], corrections: Correction[] = []) {
  for (const { accountId, timeZone } of ACCOUNTS)
    await store.append(`account-${accountId}`, [
      { id: randomUUID(), type: 'AccountOpened', data: { accountId, timeZone, currency: 'RUB' } },
    ]);
  const stored = history.map((u, index) => {
    const end = new Date(Date.parse('2026-02-26T00:00:00Z') + u.minute * 60_000);
    const windowStart = new Date(end.getTime() - 3_600_000).toISOString();
    const windowEnd = end.toISOString();
    const grant = Math.min(u.grantKopecks, u.kopecks);
    const data = {
      usageRecordId: `u${index}`,
      sku: u.sku,
      service: u.sku.startsWith('storage') ? 'Block Storage' : 'Cloud Compute',
      category: u.sku.startsWith('storage') ? 'storage' : 'compute',
      unit: 'unit',
      quantity: '1',
      windowStart,
      windowEnd,
      catalogVersion: 'v1',
      amount: kopecks(u.kopecks),
      fromGrants: grant > 0 ? [{ grantId: 'g', amount: kopecks(grant) }] : [],
      fromBalance: kopecks(u.kopecks - grant),
      balanceAfter: '0',
      ...(u.project ? { project: u.project } : {}),
      ...(u.resourceId ? { resourceId: u.resourceId } : {}),
      ...(Object.keys(u.labels).length > 0 ? { labels: u.labels } : {}),
    };
    return { account: ACCOUNTS[u.account], type: 'ResourceConsumed' as const, data };
  });
  const corrected = corrections.map((c, index) => {
    const record = stored[c.of % stored.length]!;
    const { windowStart, windowEnd, project, resourceId, labels } = record.data;
    // Grants' share has the amount's sign (a give-back returns to grants too) and is at most the amount.
    const grant = Math.sign(c.kopecks) * Math.min(c.grantKopecks, Math.abs(c.kopecks));
    const usage = {
      quantity: '1',
      unit: 'unit',
      windowStart,
      windowEnd,
      catalogVersion: 'v1',
      ratedAmount: '1',
    };
    const data: ChargeCorrection = {
      correctionId: `c${index}`,
      kind: c.kind,
      correctsPeriod: '2026-02',
      service: 'Cloud Compute',
      category: 'compute',
      ...(c.kind === 'adjustment'
        ? c.sku
          ? { sku: c.sku }
          : {}
        : {
            sku: record.data.sku,
            usageRecordId: record.data.usageRecordId,
            ...(project ? { project } : {}),
            ...(resourceId ? { resourceId } : {}),
            ...(labels ? { labels } : {}),
          }),
      ...(c.kind === 'late-usage' || c.kind === 'usage-rerated' ? { usage } : {}),
      ...(c.kind === 'usage-voided' && !c.windowless ? { usageWindow: { windowStart, windowEnd } } : {}),
      amount: kopecks(c.kopecks),
      fromGrants: grant !== 0 ? [{ grantId: 'g', amount: kopecks(grant) }] : [],
      fromBalance: kopecks(c.kopecks - grant),
      balanceAfter: '0',
      reason: 'test',
      by: 'ops:test',
      at: minuteAt(c.bookedMinute),
    };
    return { account: record.account, type: 'ChargeCorrected' as const, data };
  });
  for (const { account, type, data } of [...stored, ...corrected]) {
    // The ledger period: the account's local month of the usage instant, or of the booking of a correction.
    const instant = type === 'ResourceConsumed' ? data.windowEnd : data.at;
    const period = localDay(new Date(Date.parse(instant) - 1).toISOString(), account.timeZone).slice(0, 7);
    await store.append(`ledger-${account.accountId}@${period}`, [{ id: randomUUID(), type, data }]);
  }
  return [...stored, ...corrected];
}

type Stored = Awaited<ReturnType<typeof storeHistory>>;

/** The expected answer, from the raw events: filtered by account and local day, grouped, summed. */
function recompute(
  stored: Stored,
  account: (typeof ACCOUNTS)[number],
  from: string,
  to: string,
  dims: CostDimension[],
) {
  const groups = new Map<string, { row: CostRow; a: Big; g: Big; b: Big; n: number }>();
  for (const item of stored) {
    if (item.account.accountId !== account.accountId) continue;
    const data = { ...item.data, sku: item.data.sku ?? null };
    const window = item.type === 'ResourceConsumed' ? item.data : (item.data.usage ?? item.data.usageWindow);
    // Usage (and its corrections) on the usage window's last instant; an adjustment on its booking instant.
    const instant = window
      ? new Date(Date.parse(window.windowEnd) - 1).toISOString()
      : (item.data as ChargeCorrection).at;
    const day = localDay(instant, account.timeZone);
    if (day < from || day > to) continue;
    const values = dims.map((d) =>
      d === 'project'
        ? (data.project ?? 'default')
        : d === 'resource'
          ? (data.resourceId ?? null)
          : d === 'sku'
            ? data.sku
            : d === 'day'
              ? day
              : ((data.labels as Record<string, string> | undefined)?.[d.slice(6)] ?? null),
    );
    const key = JSON.stringify(values);
    const group = groups.get(key) ?? {
      row: Object.fromEntries(dims.map((d, i) => [d, values[i]!])) as CostRow,
      a: new Big(0),
      g: new Big(0),
      b: new Big(0),
      n: 0,
    };
    group.a = group.a.plus(data.amount);
    group.g = group.g.plus(data.fromGrants.reduce((s, p) => s.plus(p.amount), new Big(0)));
    group.b = group.b.plus(data.fromBalance);
    group.n += item.type === 'ResourceConsumed' || item.data.kind === 'late-usage' ? 1 : 0;
    groups.set(key, group);
  }
  return [...groups.values()].map(({ a, g, b, n, row }) => ({
    ...row,
    amount: a.toFixed(),
    fromGrants: g.toFixed(),
    fromBalance: b.toFixed(),
    records: n,
  }));
}

async function answer(
  db: ReadModelDb,
  table: (name: string) => string,
  query: { account: 0 | 1; fromDay: number; days: number; dimensions: CostDimension[] },
) {
  const account = ACCOUNTS[query.account];
  const from = dayAfter('2026-02-25', query.fromDay);
  const to = dayAfter(from, query.days);
  const read = await costQuery(account.accountId, from, to, query.dimensions)(db, table);
  const totals = emptyCostTotals();
  const rows: CostRow[] = [];
  for await (const row of groupedCosts(read!.parts, query.dimensions, totals)) rows.push(row);
  return { account, from, to, rows, totals };
}

/** Rows compared as exact decimals, in a canonical order (the read model's order is its own collation's). */
const canonical = (rows: CostRow[]) =>
  rows
    .map((row) => ({
      ...row,
      amount: new Big(row.amount as string).toFixed(2),
      fromGrants: new Big(row.fromGrants as string).toFixed(2),
      fromBalance: new Big(row.fromBalance as string).toFixed(2),
    }))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

describe('the cost query equals a recomputation from the raw events', () => {
  it('property (SQLite): random histories, groupings and ranges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(usageArbitrary, { minLength: 1, maxLength: 60 }),
        fc.array(correctionArbitrary, { maxLength: 20 }),
        fc.array(queryArbitrary, { minLength: 1, maxLength: 8 }),
        async (history, corrections, queries) => {
          const store = SqliteEventStore.open({ path: ':memory:' });
          try {
            const stored = await storeHistory(store, history, corrections);
            const db = await foldLog(store, costsProjection);
            try {
              for (const query of queries) {
                const got = await answer(db, (name) => name, query);
                const expected = recompute(stored, got.account, got.from, got.to, query.dimensions);
                expect(canonical(got.rows)).toEqual(canonical(expected));
                // Rows of one group are adjacent, so each group is one row: no key repeats.
                expect(
                  new Set(got.rows.map((r) => JSON.stringify(query.dimensions.map((d) => r[d])))).size,
                ).toBe(got.rows.length);
                const total = expected.reduce((sum, row) => sum.plus(row.amount), new Big(0));
                expect(new Big(got.totals.amount).eq(total)).toBe(true);
                expect(got.totals.records).toBe(expected.reduce((n, row) => n + row.records, 0));
              }
            } finally {
              await db.close();
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('PostgreSQL: the live read model, read through a server-side cursor, agrees too', async () => {
    const cluster = await startPgCluster();
    const store = SqliteEventStore.open({ path: ':memory:' });
    const pg = new PostgresReadModelDb(await cluster.freshSchema());
    const host = await startHost(store, pg, [costsProjection], { batchSize: 50, holder: 'pg' });
    try {
      const history = fc.sample(usageArbitrary, { numRuns: 1400, seed: 15 });
      const stored = await storeHistory(
        store,
        history,
        fc.sample(correctionArbitrary, { numRuns: 300, seed: 15 }),
      );
      await caughtUp(host, store, [costsProjection]);
      const live = await new ProjectionRegistry(pg).liveBuild('costs');
      const table = (name: string) => ProjectionRegistry.tableName(name, live!.build);
      const queries = fc.sample(queryArbitrary, { numRuns: 12, seed: 15 });
      // And one over everything, per every dimension: more rows than one cursor batch (500).
      queries.push({
        account: 0,
        fromDay: 0,
        days: 45,
        dimensions: ['resource', 'day', 'label:team', 'sku'],
      });
      for (const query of queries) {
        const got = await answer(pg, table, query);
        expect(canonical(got.rows)).toEqual(
          canonical(recompute(stored, got.account, got.from, got.to, query.dimensions)),
        );
        if (queries.at(-1) === query) expect(got.rows.length).toBeGreaterThan(500);
      }
    } finally {
      await host.stop();
      await pg.close();
      await store.close();
      await cluster.stop();
    }
  }, 180_000);
});
