import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { spawnTs } from '../support/child-process.js';
import { startTimelines } from './timeline-harness.js';

const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

function run(args: string[]): Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const process = spawnTs(child, args);
    let stdout = '';
    let stderr = '';
    process.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    process.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    process.on('exit', (_code, signal) => resolve({ signal, stdout, stderr }));
  });
}

describe('timelines survive a crash between an event and its reaction', () => {
  it('kill -9 after the suspension is stored but before the deadline is marked: after a restart it happens exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timeline-crash-'));
    try {
      const storePath = join(dir, 'events.sqlite');
      const timelinesPath = join(dir, 'timelines.sqlite');
      // The account runs out of funds on 5 March: suspension due on 12 March.
      const setup = await startTimelines(
        '2026-03-01T09:00:00.000Z',
        timelinesPath,
        SqliteEventStore.open({ path: storePath }),
      );
      await setup.open({ accountId: 'crash', profileId: 'yc-legal-prepaid', contract: 'public-offer' });
      await setup.topUp('crash', 'p1', '100');
      setup.clock.set('2026-03-05T09:00:00.000Z');
      await setup.use('crash', 'u1', '150');
      await setup.engine.settle();
      await setup.close();

      const killed = await run([storePath, timelinesPath, '2026-03-12T09:00:00.000Z', 'crash']);
      expect(killed.signal).toBe('SIGKILL');
      const restarted = await run([storePath, timelinesPath, '2026-03-12T09:00:00.000Z', 'no-crash']);
      expect(restarted.stderr).toBe('');
      // The restarted process fires the still-pending suspension again: the account is already suspended.
      expect(JSON.parse(restarted.stdout.trim())).toContainEqual([
        'suspend/2026-03-12T09:00:00.000Z',
        'no-op',
      ]);

      const store = SqliteEventStore.open({ path: storePath });
      const suspensions = await store.readAll({ filter: { eventTypes: ['AccountSuspended'] } });
      expect(suspensions).toHaveLength(1);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
