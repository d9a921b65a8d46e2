// Child process for the event-bus crash test: feeds the bus from the log; its handler prints `reacting <id>`
// when it starts on an event and `reacted <id>` when done. Events of type SLOW_TYPE never finish, so the
// test can kill the process in the middle of a reaction. It prints `fed to head` once every event stored
// at its start is reacted to and checkpointed.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { AppModule } from '../../src/app.module.js';
import { EventBusFeed } from '../../projections/workers/event-bus-feed.js';
import { StoredEventPublished } from '../../projections/workers/stored-event-published.js';
import { VirtualClock } from '../../src/platform/clock/clock.js';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import { loadConfig } from '../../src/platform/config/config.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { ApiKeyRegistry } from '../../src/platform/http/auth/api-keys.js';
import { IdempotencyStore } from '../../src/platform/http/idempotency/idempotency-store.js';
import { loadWorkersConfig } from '../../src/ops/projections/workers-config.js';
import { CATALOG_STREAM } from '../../src/platform/event-store/stream-names.js';

const [storePath, dir, slowType, afterHead] = process.argv.slice(2) as [
  string,
  string,
  string,
  'stay' | 'exit',
];

@EventsHandler(StoredEventPublished)
class PrintingHandler implements IEventHandler<StoredEventPublished> {
  handle(published: StoredEventPublished) {
    return published.track(this.react(published));
  }

  private async react({ event }: StoredEventPublished) {
    // The price list the engine seeds on first start is not among the events the test watches.
    if (event.streamId === CATALOG_STREAM) return;
    process.stdout.write(`reacting ${event.id}\n`);
    if (event.type === slowType) await new Promise(() => undefined);
    process.stdout.write(`reacted ${event.id}\n`);
  }
}

const store = SqliteEventStore.open({ path: storePath });
@Module({
  imports: [
    AppModule.register({
      config: loadConfig({}),
      eventStore: store,
      clock: new VirtualClock('2026-03-01T09:00:00.000Z'),
      apiKeys: new ApiKeyRegistry([]),
      idempotency: new IdempotencyStore(':memory:'),
      vault: new PersonalDataVault(':memory:'),
      workers: loadWorkersConfig(dir, '', { holder: `child-${process.pid}`, ttlMs: 1000 }, {}),
    }),
  ],
  providers: [PrintingHandler],
})
class ChildRoot {}

const app = await NestFactory.createApplicationContext(ChildRoot, { logger: false });
await app.get(EventBusFeed).waitFor((await store.headPosition())!, 60_000);
process.stdout.write('fed to head\n');
// 'stay': keep feeding what is stored next, until killed.
if (afterHead === 'stay') await new Promise(() => undefined);
await app.close();
await store.close();
