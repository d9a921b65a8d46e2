import pg from 'pg';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { accountBalancesProjection } from '../../projections/account-balances.projection.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { PostgresReadModelDb, withLiterals } from '../../projections/runner/postgres-read-model-db.js';
import type { BatchWrites, ReadModelDb, SqlValue } from '../../projections/runner/read-model-db.js';
import { RowWriter } from '../../projections/support/row-writes.js';
import { writeBalanceLog } from './support/balance-events.js';
import { startPgCluster, type PgCluster } from './support/pg-cluster.js';

/** Values a literal or a joined column could get wrong: quotes, backslashes, separators, array syntax. */
const AWKWARD = [
  '',
  "it's",
  'back\\slash',
  "\\'",
  '"quoted"',
  '{a,b}',
  'NULL',
  'comma, and space',
  'line\nbreak',
  'tab\there',
  'unit\x1fseparator',
  '\x1e',
  'record\x1eseparator inside',
  '$1',
  "E'x'",
  'ünïcödé ✓ 🧾',
];

/** A pg client that records the text of every message it sends. */
function countingClient(sent: string[]) {
  return class extends pg.Client {
    override query(...args: unknown[]): never {
      const [config] = args;
      sent.push(typeof config === 'string' ? config : (config as { text: string }).text);
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  };
}

describe('withLiterals: parameters written into the SQL, for one simple-protocol message', () => {
  it('writes each $n as a quoted literal, $10 not read as $1, NULL and arrays included', () => {
    const params = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'ten'];
    expect(withLiterals('SELECT $1, $10', params)).toBe("SELECT E'a', E'ten'");
    expect(withLiterals('UPDATE t SET v = $1 WHERE k = $2', [null, 7])).toBe(
      "UPDATE t SET v = NULL WHERE k = E'7'",
    );
    expect(withLiterals('SELECT $1::text[]', [['x', null, 'y"z']])).toBe(
      `SELECT E'{"x",NULL,"y\\\\"z"}'::text[]`,
    );
  });

  it('leaves $n inside quoted strings, quoted names and comments alone', () => {
    expect(withLiterals(`SELECT '$1', "$1", 'it''s $1', $1 -- $1\n, $1`, ['v'])).toBe(
      `SELECT '$1', "$1", 'it''s $1', E'v' -- $1\n, E'v'`,
    );
  });

  it('refuses a statement naming a parameter it was not given, and objects', () => {
    expect(() => withLiterals('SELECT $2', ['one'])).toThrow(/No parameter \$2/);
    expect(() => withLiterals('SELECT $1', [{}])).toThrow(/scalars/);
  });
});

describe('PostgreSQL read models: literals, joined columns and the writes that go with the COMMIT', () => {
  let cluster: PgCluster;
  const dbs: ReadModelDb[] = [];
  const track = <T extends ReadModelDb>(db: T) => (dbs.push(db), db);

  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 120_000);

  afterAll(async () => {
    for (const db of dbs) await db.close();
    await cluster?.stop();
  });

  it('a value written as a literal reads back exactly, alone or in an array', async () => {
    const url = await cluster.freshSchema();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // standard_conforming_strings off too: E'…' literals mean the same either way.
      for (const conforming of ['on', 'off']) {
        await client.query(`SET standard_conforming_strings = ${conforming}`);
        for (const value of AWKWARD) {
          const { rows } = await client.query(withLiterals('SELECT $1::text AS v', [value]));
          expect({ conforming, value: rows[0].v }).toEqual({ conforming, value });
        }
        const elements = [...AWKWARD, null];
        const { rows } = await client.query(
          withLiterals('SELECT v FROM UNNEST($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n', [elements]),
        );
        expect(rows.map((r) => r.v)).toEqual(elements);
      }
    } finally {
      await client.end();
    }
  });

  it('rows written by a RowWriter read back exactly, whether their columns can be joined or not', async () => {
    const db = track(new PostgresReadModelDb(await cluster.freshSchema()));
    await db.run('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT, n INTEGER)');
    const writer = new RowWriter({
      table: 't',
      columns: ['k', 'v', 'n'],
      key: ['k'],
      update: ['v', 'n'],
      types: { n: 'integer' },
    });
    // A column of plain values, with NULLs; then each awkward value on its own row and all of them at once.
    const plain: SqlValue[][] = [
      ['p1', 'one', 1],
      ['p2', null, null],
      ['p3', '', 3],
    ];
    const single = AWKWARD.map((v, i): SqlValue[] => [`s${i}`, v, i]);
    await db.transaction(async (tx) => {
      await writer.write(tx, plain);
      for (const row of single) await writer.write(tx, [row]);
    });
    await writer.write(
      db,
      AWKWARD.map((v, i): SqlValue[] => [`m${i}`, v, 100 - i]),
    );
    const rows = await db.all<{ k: string; v: string | null; n: number | null }>('SELECT k, v, n FROM t');
    const byKey = new Map(rows.map((r) => [r.k, [r.k, r.v, r.n]]));
    for (const row of [...plain, ...single, ...AWKWARD.map((v, i) => [`m${i}`, v, 100 - i])]) {
      expect(byKey.get(row[0] as string)).toEqual(row);
    }
    expect(rows).toHaveLength(plain.length + 2 * AWKWARD.length);
  });

  it("a rebuild sends each batch's BEGIN with its first read, and its writes and checkpoint with its COMMIT", async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    try {
      await writeBalanceLog(store, { accounts: 10, eventsPerAccount: 40 });
      const sent: string[] = [];
      const db = track(
        new PostgresReadModelDb({
          connectionString: await cluster.freshSchema(),
          Client: countingClient(sent),
        }),
      );
      const runner = new ProjectionRunner(store, db, accountBalancesProjection, { batchSize: 50 });
      await runner.prepare();
      sent.length = 0;
      await runner.applyUntil((await store.headPosition())!);
      expect(runner.status.lastError).toBeUndefined();

      const commits = sent.filter((text) => /COMMIT$/.test(text));
      const batches = commits.length;
      expect(batches).toBeGreaterThan(5);
      // Each batch's BEGIN travels with its first read, never alone.
      expect(sent.filter((text) => text.startsWith('BEGIN;\nSELECT'))).toHaveLength(batches);
      expect(sent.filter((text) => text.trim() === 'BEGIN')).toEqual([]);
      // Every batch's checkpoint and its upserts travel in its COMMIT's message, none on its own.
      for (const commit of commits) {
        expect(commit).toMatch(/^UPDATE projection_builds SET position = E'\d+'/);
        expect(commit).toMatch(/INSERT INTO balance_history_v\d+/);
      }
      const alone = sent.filter((text) => /^(INSERT|UPDATE)/.test(text) && !/COMMIT$/.test(text));
      expect(alone).toEqual([]);
      // BEGIN with the accounts' read, the grants' and the bills' when an event needs them, the COMMIT.
      expect(sent.length).toBeLessThanOrEqual(4 * batches);
    } finally {
      await store.close();
    }
  });

  it('a write that fails with the COMMIT rolls the whole transaction back, checkpoint and earlier writes too', async () => {
    const db = track(new PostgresReadModelDb(await cluster.freshSchema()));
    await db.run('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
    await db.run('CREATE TABLE mark (n INTEGER NOT NULL)');
    await db.run('INSERT INTO mark VALUES (0)');
    const writer = new RowWriter({ table: 't', columns: ['k', 'v'], key: ['k'], update: ['v'] });
    const refused: BatchWrites = { flush: (tx) => writer.write(tx, [['bad', null]]) };
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t VALUES ($1, $2)', ['sent-at-once', 'v']);
        await tx.runAtCommit!('UPDATE mark SET n = $1', [1]);
        tx.batch!({}, () => refused);
      }),
    ).rejects.toThrow(/null value/);
    expect(await db.all('SELECT * FROM t')).toEqual([]);
    expect(await db.get('SELECT n FROM mark')).toEqual({ n: 0 });
    // The connection is usable again afterwards, and a write held for the COMMIT lands with it.
    await db.transaction(async (tx) => {
      await tx.runAtCommit!('UPDATE mark SET n = $1', [2]);
      expect(await tx.get('SELECT n FROM mark')).toEqual({ n: 2 });
    });
    expect(await db.get('SELECT n FROM mark')).toEqual({ n: 2 });
  });
});
