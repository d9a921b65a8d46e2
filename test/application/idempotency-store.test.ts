import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPgCluster, type PgCluster } from '../projections/support/pg-cluster.js';
import { PostgresReadModelDb } from '../../projections/runner/postgres-read-model-db.js';
import {
  IdempotencyStore,
  type IdempotencyStoreOptions,
} from '../../src/platform/http/idempotency/idempotency-store.js';

const T0 = '2026-03-01T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

/** Each opener gives a store over the same records, as a second instance (or a restart) would see them. */
type Opener = (owner: string, leaseMs?: number) => Promise<IdempotencyStore>;

/** The same contract on the instance's own SQLite file and on PostgreSQL shared by instances. */
function contract(name: string, setUp: () => Promise<{ open: Opener; tearDown: () => Promise<void> }>) {
  describe(`IdempotencyStore on ${name}: a claim belongs to a live attempt`, () => {
    let open: Opener;
    let tearDown: () => Promise<void>;
    beforeEach(async () => {
      ({ open, tearDown } = await setUp());
    });
    afterEach(() => tearDown());

    it('answers in-flight with the time left on the lease, then lets a retry take an expired claim over', async () => {
      const crashed = await open('a');
      expect(await crashed.claim('s', 'k', 'h', T0)).toEqual({ kind: 'new' });
      // killed mid-request: no outcome, no release
      const other = await open('b');
      expect(await other.claim('s', 'k', 'h', at(400))).toEqual({ kind: 'in-flight', retryAfterMs: 600 });
      expect(await other.claim('s', 'k', 'other-body', at(400))).toEqual({ kind: 'mismatch' });
      expect(await other.claim('s', 'k', 'h', at(1000))).toEqual({ kind: 'new', takenOver: true });
      // Taken over: it is the new owner's now, and a third attempt waits for it.
      expect(await (await open('c')).claim('s', 'k', 'h', at(1100))).toMatchObject({ kind: 'in-flight' });
      await other.remember('s', 'k', { status: 200, body: '{"ok":true}' });
      expect(await (await open('c')).claim('s', 'k', 'h', at(99_000))).toEqual({
        kind: 'replay',
        response: { status: 200, body: '{"ok":true}' },
      });
    });

    it('keeps a claim while its attempt renews it', async () => {
      const store = await open('a');
      const now = Date.now();
      expect(await store.claim('s', 'k', 'h', new Date(now).toISOString())).toEqual({ kind: 'new' });
      expect(await store.renew('s', 'k', now + 900)).toBe(true);
      expect(await (await open('b')).claim('s', 'k', 'h', new Date(now + 1500).toISOString())).toEqual({
        kind: 'in-flight',
        retryAfterMs: 400,
      });
      // Another owner cannot renew it.
      expect(await (await open('b')).renew('s', 'k', now + 1000)).toBe(false);
    });

    it('releases its own unfinished claims at start-up, and only those', async () => {
      const before = await open('instance-1');
      await before.claim('s', 'mine', 'h', T0);
      await before.claim('s', 'done', 'h', T0);
      await before.remember('s', 'done', { status: 201, body: '{}' });
      await (await open('instance-2')).claim('s', 'theirs', 'h', T0);
      const restarted = await open('instance-1', 60_000);
      expect(await restarted.releaseOwnClaims()).toBe(1);
      expect(await restarted.claim('s', 'mine', 'h', at(1))).toEqual({ kind: 'new' });
      expect(await restarted.claim('s', 'done', 'h', at(1))).toMatchObject({ kind: 'replay' });
      expect(await restarted.claim('s', 'theirs', 'h', at(1))).toMatchObject({ kind: 'in-flight' });
    });

    it('a failure of ours releases the claim for the next retry', async () => {
      const store = await open('a');
      await store.claim('s', 'k', 'h', T0);
      await store.forget('s', 'k');
      expect(await (await open('b')).claim('s', 'k', 'h', at(1))).toEqual({ kind: 'new' });
    });

    it('retention: prunes answered records stored before the cut, keeps newer ones and running claims', async () => {
      const store = await open('a');
      await store.claim('s', 'old', 'h', T0);
      await store.remember('s', 'old', { status: 201, body: '{"old":1}' });
      await store.claim('s', 'old-running', 'h', T0);
      await store.claim('s', 'new', 'h', at(10_000));
      await store.remember('s', 'new', { status: 201, body: '{"new":1}' });
      expect(await store.prune(at(5_000))).toBe(1);
      // The pruned key is a new request again; the others are as they were.
      expect(await store.claim('s', 'old', 'h', at(20_000))).toEqual({ kind: 'new' });
      expect(await store.claim('s', 'new', 'h', at(20_000))).toMatchObject({ kind: 'replay' });
      expect(await (await open('b')).claim('s', 'old-running', 'h', at(20))).toMatchObject({
        kind: 'in-flight',
      });
    });
  });
}

contract('its own SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idempotency-'));
  const opened: IdempotencyStore[] = [];
  return Promise.resolve({
    open: (owner: string, leaseMs = 1000) => {
      const store = new IdempotencyStore(join(dir, 'idempotency.sqlite'), { owner, leaseMs });
      opened.push(store);
      return Promise.resolve(store);
    },
    tearDown: async () => {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('PostgreSQL shared by instances', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  contract('PostgreSQL', async () => {
    const url = await cluster.freshSchema();
    const opened: PostgresReadModelDb[] = [];
    return {
      open: (owner: string, leaseMs = 1000) => {
        const db = new PostgresReadModelDb(url);
        opened.push(db);
        const options: IdempotencyStoreOptions = { owner, leaseMs };
        return IdempotencyStore.shared(db, options);
      },
      tearDown: async () => {
        for (const db of opened) await db.close();
      },
    };
  });
});

describe('IdempotencyStore on a file written before claims had an owner', () => {
  it('opens it: its unfinished claims count as expired', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idempotency-'));
    const path = join(dir, 'idempotency.sqlite');
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
        status INTEGER, body TEXT, created_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)) STRICT;
      INSERT INTO idempotency_keys VALUES ('s', 'stuck', 'h', NULL, NULL, '${T0}');
      INSERT INTO idempotency_keys VALUES ('s', 'done', 'h', 201, '{}', '${T0}');`);
    old.close();
    const store = new IdempotencyStore(path, { owner: 'a', leaseMs: 1000 });
    expect(await store.claim('s', 'stuck', 'h', at(1))).toEqual({ kind: 'new', takenOver: true });
    expect(await store.claim('s', 'done', 'h', at(1))).toEqual({
      kind: 'replay',
      response: { status: 201, body: '{}' },
    });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
