import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { defineEventSqlFunctions } from '../../src/platform/event-store/sqlite/event-sql.js';
import { spawnTs } from '../support/child-process.js';
import { waitFor } from './contract.js';

const writerScript = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const BATCH = 50;

function killWriterMidFlight(path: string, runForMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnTs(writerScript, [path, String(BATCH)]);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) setTimeout(() => child.kill('SIGKILL'), runForMs);
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited on its own: ${stderr}`)),
    );
  });
}

describe('embedded SQLite store: durability and concurrency', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'es-durability-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no partial batch and no gap when the writer is killed with SIGKILL mid-append', async () => {
    const path = join(dir, 'events.sqlite');
    for (const runForMs of [150, 40, 300]) await killWriterMidFlight(path, runForMs);

    const db = new DatabaseSync(path);
    // Compact rows keep their data in `body`: event_data gives its JSON text whatever the row's format.
    defineEventSqlFunctions(db);
    const rows = db
      .prepare(
        'SELECT position, stream_id, revision, event_data(data, body) AS data FROM events ORDER BY position',
      )
      .all() as Array<{
      position: number;
      stream_id: string;
      revision: number;
      data: string;
    }>;
    db.close();
    expect(rows.length).toBeGreaterThan(BATCH * 4);
    rows.forEach((row, index) => expect(row.position).toBe(index + 1));
    const perBatch = new Map<string, number>();
    const lastRevision = new Map<string, number>();
    for (const row of rows) {
      const { batch } = JSON.parse(row.data) as { batch: number };
      // The writer restarts its batch counter after each kill, so key batches by run as well as number.
      const key = `${row.stream_id}/${batch}/${Math.floor(row.revision / BATCH)}`;
      perBatch.set(key, (perBatch.get(key) ?? 0) + 1);
      expect(row.revision).toBe((lastRevision.get(row.stream_id) ?? -1) + 1);
      lastRevision.set(row.stream_id, row.revision);
    }
    for (const count of perBatch.values()) expect(count).toBe(BATCH);

    // The reopened store continues gaplessly.
    const store = SqliteEventStore.open({ path });
    const result = await store.append('crash-0', [{ id: crypto.randomUUID(), type: 'AfterCrash', data: {} }]);
    expect(result.position).toBe(BigInt(rows.length + 1));
    expect(result.nextExpectedRevision).toBe(lastRevision.get('crash-0')! + 1);
    await store.close();
  }, 60_000);

  it('groups concurrent appends into fewer transactions (group commit), each with its own outcome', async () => {
    const store = SqliteEventStore.open({ path: join(dir, 'group.sqlite') });
    await store.append('g-0', [{ id: crypto.randomUUID(), type: 'Opened', data: {} }]);
    const before = { ...store.stats };
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        store.append(
          `g-${i % 10}`,
          [{ id: crypto.randomUUID(), type: 'E', data: { i } }],
          i === 0 ? 5 : 'any',
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(store.stats.appends - before.appends).toBe(100);
    expect(store.stats.transactions - before.transactions).toBeLessThan(10);
    await store.close();
  });

  it('lets a second connection read and subscribe while the first writes', async () => {
    const path = join(dir, 'shared.sqlite');
    const writer = SqliteEventStore.open({ path });
    const reader = SqliteEventStore.open({ path, pollIntervalMs: 10 });
    const seen: number[] = [];
    const subscription = reader.subscribeToAll(
      {},
      {
        onEvent: (e) => {
          seen.push(Number(e.position));
        },
      },
    );
    for (let i = 0; i < 20; i++) {
      await writer.append(`r-${i % 3}`, [
        { id: crypto.randomUUID(), type: 'E', data: { i } },
        { id: crypto.randomUUID(), type: 'E', data: { i } },
      ]);
    }
    await waitFor(() => seen.length === 40);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await subscription.stop();
    await reader.close();
    await writer.close();
  });
});
