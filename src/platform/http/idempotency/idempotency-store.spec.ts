import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdempotencyStore } from './idempotency-store.js';

const T0 = '2026-03-01T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe('IdempotencyStore: a claim belongs to a live attempt', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idempotency-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (owner: string, leaseMs = 1000) =>
    new IdempotencyStore(join(dir, 'idempotency.sqlite'), { owner, leaseMs });

  it('answers in-flight with the time left on the lease, then lets a retry take an expired claim over', () => {
    const crashed = open('a');
    expect(crashed.claim('s', 'k', 'h', T0)).toEqual({ kind: 'new' });
    crashed.close(); // killed mid-request: no outcome, no release
    const other = open('b');
    expect(other.claim('s', 'k', 'h', at(400))).toEqual({ kind: 'in-flight', retryAfterMs: 600 });
    expect(other.claim('s', 'k', 'other-body', at(400))).toEqual({ kind: 'mismatch' });
    expect(other.claim('s', 'k', 'h', at(1000))).toEqual({ kind: 'new', takenOver: true });
    // Taken over: it is the new owner's now, and a third attempt waits for it.
    expect(open('c').claim('s', 'k', 'h', at(1100))).toMatchObject({ kind: 'in-flight' });
    other.remember('s', 'k', { status: 200, body: '{"ok":true}' });
    expect(open('c').claim('s', 'k', 'h', at(99_000))).toEqual({
      kind: 'replay',
      response: { status: 200, body: '{"ok":true}' },
    });
  });

  it('keeps a claim while its attempt renews it', () => {
    const store = open('a');
    const now = Date.now();
    expect(store.claim('s', 'k', 'h', new Date(now).toISOString())).toEqual({ kind: 'new' });
    expect(store.renew('s', 'k', now + 900)).toBe(true);
    expect(open('b').claim('s', 'k', 'h', new Date(now + 1500).toISOString())).toEqual({
      kind: 'in-flight',
      retryAfterMs: 400,
    });
    // Another owner cannot renew it.
    expect(open('b').renew('s', 'k', now + 1000)).toBe(false);
  });

  it('releases its own unfinished claims at start-up, and only those', () => {
    const before = open('instance-1');
    before.claim('s', 'mine', 'h', T0);
    before.claim('s', 'done', 'h', T0);
    before.remember('s', 'done', { status: 201, body: '{}' });
    open('instance-2').claim('s', 'theirs', 'h', T0);
    before.close();
    const restarted = open('instance-1', 60_000);
    expect(restarted.releaseOwnClaims()).toBe(1);
    expect(restarted.claim('s', 'mine', 'h', at(1))).toEqual({ kind: 'new' });
    expect(restarted.claim('s', 'done', 'h', at(1))).toMatchObject({ kind: 'replay' });
    expect(restarted.claim('s', 'theirs', 'h', at(1))).toMatchObject({ kind: 'in-flight' });
  });

  it('a failure of ours releases the claim for the next retry', () => {
    const store = open('a');
    store.claim('s', 'k', 'h', T0);
    store.forget('s', 'k');
    expect(open('b').claim('s', 'k', 'h', at(1))).toEqual({ kind: 'new' });
  });

  it('opens a file written before claims had an owner: its unfinished claims count as expired', () => {
    const path = join(dir, 'idempotency.sqlite');
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
        status INTEGER, body TEXT, created_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)) STRICT;
      INSERT INTO idempotency_keys VALUES ('s', 'stuck', 'h', NULL, NULL, '${T0}');
      INSERT INTO idempotency_keys VALUES ('s', 'done', 'h', 201, '{}', '${T0}');`);
    old.close();
    const store = open('a');
    expect(store.claim('s', 'stuck', 'h', at(1))).toEqual({ kind: 'new', takenOver: true });
    expect(store.claim('s', 'done', 'h', at(1))).toEqual({
      kind: 'replay',
      response: { status: 201, body: '{}' },
    });
  });
});
