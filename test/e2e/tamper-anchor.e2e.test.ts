import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { loadAnchorConfig } from '../../src/platform/config/config.js';
import { loadAnchorKeys } from '../../src/platform/event-store/anchor/anchor-keys.js';
import {
  LogAnchor,
  type AnchorVerification,
  type TamperFinding,
} from '../../src/platform/event-store/anchor/log-anchor.js';
import { chainEvents, verifyChain } from '../../src/platform/event-store/hash-chain.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { startTestApi } from '../support/api.js';
import { spawnTs } from '../support/child-process.js';
import { startService } from '../support/service-process.js';
import { individual, usage } from '../support/requests.js';

/**
 * The tamper matrix: what the per-stream hash chains cannot see, the signed checkpoint does. A history is
 * stored once by the real service (anna: opened, a card top-up p1 — which claims `payment-p1` — and two usages;
 * boris: opened, a top-up p2) and anchored; each case copies the files, changes the SQLite file directly as an
 * attacker with file access would, and checks that the store is reported at the right stream and position.
 */
const root = mkdtempSync(join(tmpdir(), 'anchor-'));
const fixture = join(root, 'fixture');
const keyFile = join(root, 'anchor-signing-key.pem');
const env = (dir: string) => ({
  ANCHOR_KEY_FILE: keyFile,
  ANCHOR_DB: join(dir, 'anchor.sqlite'),
  DATA_DIR: dir,
});
const anchorConfig = (dir: string) => loadAnchorConfig(env(dir), dir);
/** Positions of the fixture's events, by `stream@revision` (read from the store, not guessed). */
const positions = new Map<string, string>();
const positionOf = (streamId: string, revision: number) => positions.get(`${streamId}@${revision}`)!;

beforeAll(async () => {
  writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  const api = await startTestApi(
    '2026-03-20T09:00:00.000Z',
    join(fixture, 'events.sqlite'),
    {},
    {},
    (store) => ({
      anchor: LogAnchor.open(
        anchorConfig(fixture).db,
        store,
        loadAnchorKeys(anchorConfig(fixture), { forSigning: true }),
      ),
    }),
  );
  await api.app.get(LogAnchor).start();
  await api.call('POST', '/v1/accounts', individual('anna'));
  await api.call('POST', '/v1/accounts/anna/top-ups', {
    paymentId: 'p1',
    amount: '100',
    currency: 'RUB',
    channel: 'card',
  });
  await api.call('POST', '/v1/accounts/anna/usage', usage('u1', 'test.unit', '30'));
  await api.call('POST', '/v1/accounts/anna/usage', usage('u2', 'test.unit', '20'));
  await api.call('POST', '/v1/accounts', individual('boris'));
  await api.call('POST', '/v1/accounts/boris/top-ups', {
    paymentId: 'p2',
    amount: '50',
    currency: 'RUB',
    channel: 'card',
  });
  for (const event of await api.store.readAll())
    positions.set(`${event.streamId}@${event.revision}`, event.position.toString());
  await api.close(); // a graceful stop signs a last checkpoint covering everything
}, 30_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh copy of the anchored fixture (store and anchor file; the key stays outside both). */
function copyOfFixture(): string {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const name of ['events.sqlite', 'anchor.sqlite'])
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(join(fixture, name + suffix)))
        copyFileSync(join(fixture, name + suffix), join(dir, name + suffix));
  return dir;
}

const tamper = (file: string, sql: string) => {
  const db = new DatabaseSync(file);
  db.exec(sql);
  db.close();
};

/** The attacker's better edit: change an event and recompute its stream's chain from there on. */
async function editAndRechain(dir: string, streamId: string, revision: number, change: (data: any) => any) {
  const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
  const events = await store.readStream(streamId);
  await store.close();
  const previousHash = revision === 0 ? '0'.repeat(64) : (events[revision - 1]!.metadata.hash as string);
  const rechained = chainEvents(
    streamId,
    revision,
    previousHash,
    events.slice(revision).map((event, index) => ({
      id: event.id,
      type: event.type,
      data: index === 0 ? change(event.data) : event.data,
      metadata: event.metadata,
    })),
  );
  const db = new DatabaseSync(join(dir, 'events.sqlite'));
  const update = db.prepare('UPDATE events SET data = ?, metadata = ? WHERE stream_id = ? AND revision = ?');
  rechained.forEach((event, index) =>
    update.run(JSON.stringify(event.data), JSON.stringify(event.metadata), streamId, revision + index),
  );
  db.close();
}

/** The store in `dir` against its latest signed checkpoint, plus each stream's own chain check. */
async function check(dir: string): Promise<AnchorVerification & { chainsIntact: boolean }> {
  const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
  const anchor = LogAnchor.open(
    anchorConfig(dir).db,
    store,
    loadAnchorKeys(anchorConfig(dir), { forSigning: false }),
  );
  try {
    const verification = await anchor.verify();
    const streams = new Set((await store.readAll()).map((event) => event.streamId));
    let chainsIntact = true;
    for (const streamId of streams) if (verifyChain(await store.readStream(streamId))) chainsIntact = false;
    return { ...verification, chainsIntact };
  } finally {
    await anchor.stop();
    await store.close();
  }
}

const first = (result: AnchorVerification): TamperFinding => result.findings[0]!;

describe('tamper matrix: each manipulation of the SQLite file is reported at its stream and position', () => {
  it('an untouched copy matches its signed checkpoint', async () => {
    const result = await check(copyOfFixture());
    expect(result).toMatchObject({ intact: true, findings: [], chainsIntact: true });
    expect(result.checkpoint).toMatchObject({ events: positions.size, position: String(positions.size) });
  });

  it('deleting the last events of a stream: stream-truncated at the first one gone', async () => {
    const dir = copyOfFixture();
    tamper(
      join(dir, 'events.sqlite'),
      `DELETE FROM events WHERE stream_id = 'ledger-anna@2026-03' AND revision >= 3`,
    );
    const result = await check(dir);
    expect(result.chainsIntact).toBe(true); // what a chain alone cannot see
    expect(result.intact).toBe(false);
    expect(result.findings).toEqual([
      expect.objectContaining({
        problem: 'stream-truncated',
        streamId: 'ledger-anna@2026-03',
        revision: 3,
        position: positionOf('ledger-anna@2026-03', 3),
      }),
    ]);
  });

  it('deleting a whole stream: stream-deleted at its first event', async () => {
    const dir = copyOfFixture();
    tamper(join(dir, 'events.sqlite'), `DELETE FROM events WHERE stream_id = 'account-boris'`);
    const result = await check(dir);
    expect(result.chainsIntact).toBe(true);
    expect(result.findings).toEqual([
      expect.objectContaining({
        problem: 'stream-deleted',
        streamId: 'account-boris',
        revision: 0,
        position: positionOf('account-boris', 0),
      }),
    ]);
  });

  it('editing an amount and recomputing the chain: event-edited at that event first', async () => {
    const dir = copyOfFixture();
    await editAndRechain(dir, 'ledger-anna@2026-03', 2, (data) => ({ ...data, amount: '3' }));
    const result = await check(dir);
    expect(result.chainsIntact).toBe(true);
    expect(first(result)).toMatchObject({
      problem: 'event-edited',
      streamId: 'ledger-anna@2026-03',
      revision: 2,
      position: positionOf('ledger-anna@2026-03', 2),
    });
    // The recomputed hashes of the events after it differ from the anchored ones too.
    expect(result.findings.every((f) => f.streamId === 'ledger-anna@2026-03')).toBe(true);
  });

  it('changing stored_at: stored-at-changed at that event', async () => {
    const dir = copyOfFixture();
    const position = positionOf('ledger-anna@2026-03', 2);
    tamper(
      join(dir, 'events.sqlite'),
      `UPDATE events SET stored_at = stored_at - 86400000 WHERE position = ${position}`,
    );
    const result = await check(dir);
    expect(result.chainsIntact).toBe(true);
    expect(result.findings).toEqual([
      expect.objectContaining({
        problem: 'stored-at-changed',
        streamId: 'ledger-anna@2026-03',
        revision: 2,
        position,
      }),
    ]);
  });

  it('swapping two positions: event-moved at both', async () => {
    const dir = copyOfFixture();
    const a = positionOf('ledger-anna@2026-03', 2);
    const b = positionOf('ledger-anna@2026-03', 3);
    tamper(
      join(dir, 'events.sqlite'),
      `UPDATE events SET position = -1 WHERE position = ${a};
       UPDATE events SET position = ${a} WHERE position = ${b};
       UPDATE events SET position = ${b} WHERE position = -1;`,
    );
    const result = await check(dir);
    expect(result.chainsIntact).toBe(true);
    expect(result.findings).toEqual([
      expect.objectContaining({
        problem: 'event-moved',
        streamId: 'ledger-anna@2026-03',
        revision: 2,
        position: a,
      }),
      expect.objectContaining({
        problem: 'event-moved',
        streamId: 'ledger-anna@2026-03',
        revision: 3,
        position: b,
      }),
    ]);
  });

  it('moving an event past the checkpoint: event-moved at its anchored position', async () => {
    const dir = copyOfFixture();
    const position = positionOf('account-anna', 0);
    tamper(join(dir, 'events.sqlite'), `UPDATE events SET position = 1000 WHERE position = ${position}`);
    const result = await check(dir);
    expect(result.findings).toEqual([
      expect.objectContaining({ problem: 'event-moved', streamId: 'account-anna', revision: 0, position }),
    ]);
    expect(first(result).detail).toContain('now at position 1000');
  });

  it('editing a payment claim (amount, chain recomputed): event-edited at payment-p1', async () => {
    const dir = copyOfFixture();
    await editAndRechain(dir, 'payment-p1', 0, (data) => ({ ...data, amount: '1000' }));
    const result = await check(dir);
    expect(result.chainsIntact).toBe(true);
    expect(result.findings).toEqual([
      expect.objectContaining({
        problem: 'event-edited',
        streamId: 'payment-p1',
        revision: 0,
        position: positionOf('payment-p1', 0),
      }),
    ]);
  });

  it('deleting a payment claim: stream-deleted at payment-p2', async () => {
    const dir = copyOfFixture();
    tamper(join(dir, 'events.sqlite'), `DELETE FROM events WHERE stream_id = 'payment-p2'`);
    const result = await check(dir);
    expect(result.findings).toEqual([
      expect.objectContaining({
        problem: 'stream-deleted',
        streamId: 'payment-p2',
        position: positionOf('payment-p2', 0),
      }),
    ]);
  });

  it('deleting an event in the middle: event-removed at its position', async () => {
    const dir = copyOfFixture();
    const position = positionOf('ledger-anna@2026-03', 1);
    tamper(join(dir, 'events.sqlite'), `DELETE FROM events WHERE position = ${position}`);
    const result = await check(dir);
    expect(result.findings).toEqual([
      expect.objectContaining({
        problem: 'event-removed',
        streamId: 'ledger-anna@2026-03',
        revision: 1,
        position,
      }),
    ]);
  });

  it('editing the anchor file too, without the key: anchor-altered, or the signature fails', async () => {
    const dir = copyOfFixture();
    await editAndRechain(dir, 'ledger-anna@2026-03', 2, (data) => ({ ...data, amount: '3' }));
    tamper(
      join(dir, 'anchor.sqlite'),
      `UPDATE anchored_events SET digest = 'forged' WHERE position = '${positionOf('ledger-anna@2026-03', 2)}'`,
    );
    expect(first(await check(dir))).toMatchObject({
      problem: 'anchor-altered',
      position: positionOf('ledger-anna@2026-03', 2),
    });
    // Re-chaining the anchor file and the checkpoint consistently still needs a signature from the key.
    tamper(join(dir, 'anchor.sqlite'), `UPDATE signed_checkpoints SET chain = 'forged'`);
    expect(first(await check(dir))).toMatchObject({ problem: 'checkpoint-signature-invalid' });
  });

  it('what it cannot see: events appended after the last checkpoint may be removed unnoticed', async () => {
    const dir = copyOfFixture();
    const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    await store.append('account-late', [{ id: crypto.randomUUID(), type: 'AccountOpened', data: {} }]);
    await store.close();
    tamper(join(dir, 'events.sqlite'), `DELETE FROM events WHERE stream_id = 'account-late'`);
    expect(await check(dir)).toMatchObject({ intact: true });
  });
});

describe('the service over a tampered store', () => {
  const startOver = (dir: string) =>
    startTestApi('2026-03-20T09:00:00.000Z', join(dir, 'events.sqlite'), {}, {}, (store) => ({
      anchor: LogAnchor.open(
        anchorConfig(dir).db,
        store,
        loadAnchorKeys(anchorConfig(dir), { forSigning: true }),
        {
          everyEvents: 100,
          intervalMs: 60_000,
        },
      ),
    }));

  it('checks the store at start-up and refuses to serve: GET /ready 503 naming the stream and position', async () => {
    const dir = copyOfFixture();
    tamper(
      join(dir, 'events.sqlite'),
      `DELETE FROM events WHERE stream_id = 'ledger-anna@2026-03' AND revision >= 3`,
    );
    const api = await startOver(dir);
    try {
      const startUp = await api.app.get(LogAnchor).start();
      expect(startUp.intact).toBe(false);
      const ready = await api.call('GET', '/ready', undefined, { role: null });
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('not-ready');
      expect(ready.body.reasons[0]).toContain('does not match checkpoint #');
      expect(ready.body.reasons[0]).toContain(
        `stream-truncated ledger-anna@2026-03 revision 3 at position ${positionOf('ledger-anna@2026-03', 3)}`,
      );
      // The instance serves no command and no read over it; the audit trail stays open to investigate.
      const opening = await api.call('POST', '/v1/accounts', individual('dora'));
      expect([opening.status, opening.body.code]).toEqual([503, 'LOG_TAMPERED']);
      expect((await api.call('GET', '/v1/accounts/anna')).status).toBe(503);
      expect((await api.call('GET', '/v1/audit/verify', undefined, { role: 'auditor' })).status).toBe(200);
      // Nothing is signed over a tampered log, on demand either.
      const signing = await api.call('POST', '/v1/audit/checkpoints', undefined, { role: 'ops' });
      expect(signing.status).toBe(409);
      expect(signing.body.code).toBe('LOG_TAMPERED');
    } finally {
      await api.close();
    }
  });

  it('an intact store starts ready of tampering; a checkpoint is signed on demand (ops)', async () => {
    const dir = copyOfFixture();
    const api = await startOver(dir);
    try {
      expect((await api.app.get(LogAnchor).start()).intact).toBe(true);
      const ready = await api.call('GET', '/ready', undefined, { role: null });
      expect((ready.body.reasons ?? []).join()).not.toContain('checkpoint');
      expect((await api.call('POST', '/v1/accounts', individual('carol'))).status).toBe(201);
      const signing = await api.call('POST', '/v1/audit/checkpoints', undefined, { role: 'ops' });
      expect(signing.status).toBe(200);
      expect(signing.body.signed).toMatchObject({ events: positions.size + 2 });
    } finally {
      await api.close();
    }
  });

  it('a change made while it runs is found at the next checkpoint: nothing signed, GET /ready 503', async () => {
    const dir = copyOfFixture();
    const api = await startOver(dir);
    try {
      expect((await api.app.get(LogAnchor).start()).intact).toBe(true);
      tamper(
        join(dir, 'events.sqlite'),
        `UPDATE events SET stored_at = stored_at + 1 WHERE position = ${positionOf('ledger-boris@2026-03', 1)}`,
      );
      expect((await api.call('POST', '/v1/accounts', individual('dora'))).status).toBe(201);
      const signing = await api.call('POST', '/v1/audit/checkpoints', undefined, { role: 'ops' });
      expect([signing.status, signing.body.code]).toEqual([409, 'LOG_TAMPERED']);
      const ready = await api.call('GET', '/ready', undefined, { role: null });
      expect(ready.status).toBe(503);
      expect(ready.body.reasons[0]).toContain(
        `stored-at-changed ledger-boris@2026-03 revision 1 at position ${positionOf('ledger-boris@2026-03', 1)}`,
      );
    } finally {
      await api.close();
    }
  });

  it('the audit routes report the same findings: the whole log, and the account (payment claims included)', async () => {
    const dir = copyOfFixture();
    tamper(
      join(dir, 'events.sqlite'),
      `DELETE FROM events WHERE stream_id = 'payment-p1';
       DELETE FROM events WHERE stream_id = 'ledger-anna@2026-03' AND revision >= 3;`,
    );
    const api = await startOver(dir);
    try {
      const log = await api.call('GET', '/v1/audit/verify', undefined, { role: 'auditor' });
      expect(log.body).toMatchObject({ anchored: true, intact: false });
      expect(log.body.findings.map((f: TamperFinding) => [f.problem, f.streamId, f.position])).toEqual([
        ['stream-deleted', 'payment-p1', positionOf('payment-p1', 0)],
        ['stream-truncated', 'ledger-anna@2026-03', positionOf('ledger-anna@2026-03', 3)],
      ]);
      const account = await api.call('GET', '/v1/audit/accounts/anna/verify', undefined, { role: 'auditor' });
      expect(account.body.intact).toBe(false);
      expect(account.body.streams).toEqual([
        { streamId: 'account-anna', events: 1, intact: true },
        expect.objectContaining({
          streamId: 'ledger-anna@2026-03',
          events: 3,
          intact: false,
          tampering: [expect.objectContaining({ problem: 'stream-truncated', revision: 3 })],
        }),
        expect.objectContaining({
          streamId: 'payment-p1',
          events: 0,
          intact: false,
          tampering: [expect.objectContaining({ problem: 'stream-deleted' })],
        }),
      ]);
    } finally {
      await api.close();
    }
  });

  it('the audit CLI: verify-log prints each finding and exits with 1', async () => {
    const dir = copyOfFixture();
    await editAndRechain(dir, 'payment-p1', 0, (data) => ({ ...data, amount: '1000' }));
    const cli = fileURLToPath(new URL('../../src/audit/audit-cli.ts', import.meta.url));
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawnTs(cli, ['verify-log'], {
        EVENT_STORE: 'sqlite',
        SQLITE_PATH: join(dir, 'events.sqlite'),
        ...env(dir),
      });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stdout }));
    });
    expect(result.code).toBe(1);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        problem: 'event-edited',
        streamId: 'payment-p1',
        position: positionOf('payment-p1', 0),
      }),
      expect.objectContaining({ intact: false }),
    ]);
  }, 30_000);
});

describe('the service process (npm start)', () => {
  it('creates its signing key (0600) in dev, signs at a graceful stop, and refuses a store cut short after it', async () => {
    const dataDir = mkdtempSync(join(root, 'service-'));
    const first = await startService(dataDir);
    try {
      const opened = await fetch(`${first.baseUrl}/v1/accounts`, {
        method: 'POST',
        headers: { authorization: 'Bearer svc-key', 'content-type': 'application/json' },
        // Opened now: the process runs on the system clock, and an opening months back is refused.
        body: JSON.stringify({ ...individual('erin'), openedAt: undefined }),
      });
      expect(opened.status).toBe(201);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    expect(statSync(join(dataDir, 'anchor-signing-key.pem')).mode & 0o777).toBe(0o600);
    // The last event (the period opened with the account) deleted after the stop.
    tamper(
      join(dataDir, 'events.sqlite'),
      `DELETE FROM events WHERE position = (SELECT max(position) FROM events)`,
    );
    const second = await startService(dataDir);
    try {
      const ready = await fetch(`${second.baseUrl}/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { reasons: string[] };
      expect(body.reasons[0]).toMatch(
        /does not match checkpoint #\d+ .*stream-(deleted|truncated) ledger-erin@/,
      );
      expect(second.logs.some((line) => line.level === 'error' && line.context === 'LogAnchor')).toBe(true);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 60_000);
});
