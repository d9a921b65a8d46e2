import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Command,
  CommandHandler,
  EventsHandler,
  ofType,
  Saga,
  type ICommandHandler,
  type IEvent,
  type IEventHandler,
} from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filter, map, type Observable } from 'rxjs';
import { AppModule, type AppDependencies } from '../../src/app.module.js';
import { EventBusFeed } from '../../projections/workers/event-bus-feed.js';
import { StoredEventMetrics } from '../../src/ops/metrics/stored-event-metrics.handler.js';
import { ServiceMetrics } from '../../src/platform/metrics/service-metrics.js';
import { StoredEventPublished } from '../../projections/workers/stored-event-published.js';
import { VirtualClock } from '../../src/platform/clock/clock.js';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import { loadConfig } from '../../src/platform/config/config.js';
import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { ApiKeyRegistry } from '../../src/platform/http/auth/api-keys.js';
import { IdempotencyStore } from '../../src/platform/http/idempotency/idempotency-store.js';
import { loadWorkersConfig, type WorkersConfig } from '../../src/ops/projections/workers-config.js';
import { ProjectionLease } from '../../projections/runner/projection-lease.js';
import { EVENT_BUS_FEED } from '../../projections/workers/event-bus-feed.projection.js';
import { ProjectionOperations } from '../../src/ops/projections/projection-operations.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { startChild } from '../projections/support/worker-process.js';
import { CATALOG_STREAM } from '../../src/platform/event-store/stream-names.js';

/** What the test handler and saga saw, per application instance (the one the test says is reacting). */
const seen = new Map<string, string[]>();
let currentInstance = 'a';
const sagaCommands: string[] = [];
let poisonType: string | undefined;

@EventsHandler(StoredEventPublished)
class RecordingHandler implements IEventHandler<StoredEventPublished> {
  handle(published: StoredEventPublished) {
    return published.track(this.record(published));
  }

  private async record({ event }: StoredEventPublished) {
    await new Promise((resolve) => setImmediate(resolve));
    // The price list the engine seeds on first start is delivered too; the test watches its own events.
    if (event.streamId === CATALOG_STREAM) return;
    if (event.type === poisonType) throw new Error(`cannot react to ${event.type}`);
    const list = seen.get(currentInstance) ?? [];
    list.push(event.id);
    seen.set(currentInstance, list);
  }
}

class NoteWorkRequested extends Command<void> {
  constructor(readonly eventId: string) {
    super();
  }
}

@CommandHandler(NoteWorkRequested)
class NoteWorkRequestedHandler implements ICommandHandler<NoteWorkRequested> {
  async execute({ eventId }: NoteWorkRequested) {
    sagaCommands.push(eventId);
  }
}

@Injectable()
class WorkSaga {
  @Saga()
  workRequested = (events$: Observable<IEvent>) =>
    events$.pipe(
      ofType(StoredEventPublished),
      filter(({ event }) => event.type === 'WorkRequested'),
      map(({ event }) => new NoteWorkRequested(event.id)),
    );
}

const work = (type = 'WorkRequested') => ({ id: randomUUID(), type, data: {} });

describe('the event bus fed from the checkpointed subscription', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'event-bus-'));
    seen.clear();
    sagaCommands.length = 0;
    poisonType = undefined;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** One instance's workers on its own SQLite files in `dir`, as the service lays them out. */
  const workers = (holder: string, ttlMs = 60_000): WorkersConfig =>
    loadWorkersConfig(dir, '', { holder, ttlMs }, {});

  async function start(store: EventStore, config: WorkersConfig): Promise<INestApplicationContext> {
    const deps: AppDependencies = {
      config: loadConfig({}),
      eventStore: store,
      clock: new VirtualClock('2026-03-01T09:00:00.000Z'),
      apiKeys: new ApiKeyRegistry([]),
      idempotency: new IdempotencyStore(':memory:'),
      vault: new PersonalDataVault(':memory:'),
      workers: config,
    };
    @Module({
      imports: [AppModule.register(deps)],
      providers: [RecordingHandler, NoteWorkRequestedHandler, WorkSaga],
    })
    class TestRoot {}
    return NestFactory.createApplicationContext(TestRoot, { logger: false });
  }

  /** An instance whose handler cannot react to the second of three stored events. */
  const startAtPoison = async () => {
    const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    const events = [work(), work('Poison'), work()];
    await store.append('work-1', events);
    poisonType = 'Poison';
    const app = await start(store, workers('a'));
    return { store, events, app, feed: app.get(EventBusFeed) };
  };

  const untilFailed = async (feed: EventBusFeed) => {
    const deadline = Date.now() + 10_000;
    while (feed.status.state !== 'failed' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
  };

  const fedToHead = async (app: INestApplicationContext, store: EventStore) =>
    app.get(EventBusFeed).waitFor((await store.headPosition())!);

  it('delivers every stored event in log order — those stored before start too — to handlers and sagas', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const before = [work(), work('WorkDone'), work()];
    await store.append('work-1', before);
    const app = await start(store, workers('a'));
    const after = [work('WorkDone'), work()];
    await store.append('work-2', after.slice(0, 1));
    await store.append('work-1', after.slice(1));
    await fedToHead(app, store);

    const all = [...before, ...after];
    expect(seen.get('a')).toEqual(all.map((e) => e.id));
    expect(sagaCommands).toEqual(all.filter((e) => e.type === 'WorkRequested').map((e) => e.id));
    expect(await app.get(StoredEventMetrics).count('WorkRequested')).toBe(3);
    expect(await app.get(ServiceMetrics).scrape()).toContain('billing_events_total{type="WorkDone"} 2');
    await app.close();
    await store.close();
  });

  it('after a restart continues from its checkpoint: nothing delivered twice, nothing missed while down', async () => {
    const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    const first = [work(), work()];
    await store.append('work-1', first);
    const app = await start(store, workers('a'));
    await fedToHead(app, store);
    await app.close();

    const whileDown = [work(), work('WorkDone')];
    await store.append('work-1', whileDown);
    currentInstance = 'b';
    const restarted = await start(store, workers('b'));
    await fedToHead(restarted, store);
    expect(seen.get('a')).toEqual(first.map((e) => e.id));
    expect(seen.get('b')).toEqual(whileDown.map((e) => e.id));
    await restarted.close();
    await store.close();
    currentInstance = 'a';
  });

  it('stops at a reaction that fails, naming the event; after the fix the event is delivered again', async () => {
    const { store, events, app, feed } = await startAtPoison();
    await untilFailed(feed);

    expect(feed.status.state).toBe('failed');
    expect(feed.status.lastError).toMatchObject({ eventId: events[1]!.id, eventType: 'Poison' });
    expect(feed.status.lastError!.message).toContain('cannot react to Poison');
    const [firstRecorded] = await store.readAll({ maxCount: 1 });
    expect(feed.status.position).toBe(firstRecorded!.position.toString());
    expect(seen.get('a')).toEqual([events[0]!.id]);
    await app.close();

    poisonType = undefined;
    const fixed = await start(store, workers('a'));
    await fedToHead(fixed, store);
    expect(seen.get('a')).toEqual(events.map((e) => e.id));
    await fixed.close();
    await store.close();
  });

  it('shows in ops status as a failed worker naming the event, and a resume from ops continues it', async () => {
    const { store, events, app, feed } = await startAtPoison();
    const statusDb = new SqliteReadModelDb(join(dir, 'event-bus.sqlite'));
    const ops = new ProjectionOperations(store, new SqliteReadModelDb(':memory:'), [], Date.now, [
      { identity: EVENT_BUS_FEED, db: statusDb },
    ]);
    await untilFailed(feed);
    const [report] = await ops.status();
    expect(report).toMatchObject({
      name: 'event-bus',
      kind: 'worker',
      state: 'failed',
      holder: 'a',
      // The poison, the event after it, and the two price-list versions seeded at start.
      lagPositions: 4,
      lastError: { eventId: events[1]!.id, eventType: 'Poison' },
    });
    expect(() => ops.requestReplay('event-bus', 'ops')).toThrow(/can be resumed, not replayed/);

    poisonType = undefined; // the cause is fixed
    const request = await ops.requestResume('event-bus', 'ops');
    await feed.worker.tend(); // the lease upkeep picks the request up
    await fedToHead(app, store);
    expect(seen.get('a')).toEqual(events.map((e) => e.id));
    expect(await ops.request(request.id)).toMatchObject({ state: 'done' });
    expect((await ops.statusOf('event-bus'))!).toMatchObject({ state: 'live', lagPositions: 0 });
    await app.close();
    await statusDb.close();
    await store.close();
  });

  it('is fed by one instance at a time; when it stops, the other continues from the checkpoint', async () => {
    const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
    await store.append('work-1', [work(), work()]);
    const a = await start(store, workers('instance-a', 1000));
    await fedToHead(a, store);
    currentInstance = 'b';
    const b = await start(store, workers('instance-b', 1000));
    expect(b.get(EventBusFeed).status.held).toBe(false);
    const db = new SqliteReadModelDb(join(dir, 'event-bus.sqlite'));
    expect(await ProjectionLease.holderOf(db, 'event-bus')).toMatchObject({ holder: 'instance-a' });

    currentInstance = 'a';
    const more = [work(), work()];
    await store.append('work-2', more);
    await fedToHead(a, store);
    await a.close(); // hands the lease back
    const handedOver = [work()];
    await store.append('work-2', handedOver);
    currentInstance = 'b';
    const deadline = Date.now() + 10_000;
    while (!b.get(EventBusFeed).status.held && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await fedToHead(b, store);

    expect(seen.get('a')).toHaveLength(4);
    expect(seen.get('b')).toEqual(handedOver.map((e) => e.id));
    expect(await ProjectionLease.holderOf(db, 'event-bus')).toMatchObject({ holder: 'instance-b' });
    await b.close();
    await db.close();
    await store.close();
    currentInstance = 'a';
  });
});

describe('the event bus after a crash in the middle of a reaction', () => {
  it('delivers the interrupted event again after a restart: nothing lost, nothing checkpointed repeated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'event-bus-crash-'));
    const storePath = join(dir, 'events.sqlite');
    const store = SqliteEventStore.open({ path: storePath });
    const before = [work(), work()];
    const interrupted = work('Slow');
    const after = [work(), work()];
    await store.append('work-1', before);
    const child = fileURLToPath(new URL('./event-bus-child.ts', import.meta.url));

    const first = startChild(child, [storePath, dir, 'Slow', 'stay'], 'first');
    await first.waitForLine((line) => line === 'fed to head');
    await store.append('work-1', [interrupted, ...after]);
    await first.waitForLine((line) => line === `reacting ${interrupted.id}`);
    await first.killHard();
    // A new process, once the crashed one's lease expired; this time the reaction finishes.
    const second = startChild(child, [storePath, dir, 'none', 'exit'], 'second');
    await second.waitForLine((line) => line === 'fed to head', 20_000);
    await second.stop();

    const reacted = (lines: string[]) => lines.filter((l) => l.startsWith('reacted ')).map((l) => l.slice(8));
    expect(reacted(first.lines)).toEqual(before.map((e) => e.id));
    // The checkpoint moves only past finished reactions: the restart begins at the interrupted event.
    expect(reacted(second.lines)).toEqual([interrupted, ...after].map((e) => e.id));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
