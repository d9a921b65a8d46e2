import { VirtualClock } from '../../platform/clock/clock.js';
import { SqliteEventStore } from '../../platform/event-store/sqlite/sqlite-event-store.js';
import { CATALOG_STREAM } from '../../platform/event-store/stream-names.js';
import { defaultCatalogVersions, type CatalogVersion } from '../../domain/catalog/index.js';
import { testCatalog } from '../../../test/support/catalog.js';
import { PriceCatalogProvider } from '../price-catalog.provider.js';
import { CatalogBook } from './catalog-book.js';

const NOW = '2026-03-10T09:00:00.000Z';
const versionIds = (events: Array<{ data: unknown }>) =>
  events.map((event) => (event.data as { version: CatalogVersion }).version.version);

describe('seeding the price list on first start', () => {
  it('two instances starting at once over an empty store store the default versions once', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const clock = new VirtualClock(NOW);
    const first = new CatalogBook(store, clock, new PriceCatalogProvider());
    const second = new CatalogBook(store, clock, new PriceCatalogProvider());
    const outcomes = await Promise.all([first.seed(), second.seed()]);

    const stored = await store.readStream(CATALOG_STREAM);
    expect(versionIds(stored)).toEqual(defaultCatalogVersions().map((version) => version.version));
    expect(stored.map((event) => event.data)).toEqual(
      defaultCatalogVersions().map((version) => ({ version, publishedAt: NOW, seeded: true })),
    );
    // Both may answer `accepted`: the store recognises the second, identical append (same event ids).
    expect(outcomes.map((outcome) => outcome.streamId)).toEqual([CATALOG_STREAM, CATALOG_STREAM]);
    expect(await store.headPosition()).toBe(2n);
    await store.close();
  });

  it('a restart over a seeded store stores nothing and puts the stored versions in force', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const clock = new VirtualClock(NOW);
    await new CatalogBook(store, clock, new PriceCatalogProvider()).seed();
    const head = await store.headPosition();

    // The restarted engine is built with another catalog: the stream, not the code, is the price list.
    const restarted = testCatalog();
    expect(restarted.catalog.sku('test.unit', NOW, 'RUB')).toBeDefined();
    const outcome = await new CatalogBook(store, clock, restarted).seed();
    expect(outcome).toMatchObject({ status: 'duplicate', eventTypes: [] });
    expect(await store.headPosition()).toBe(head);
    expect(restarted.catalog.sku('test.unit', NOW, 'RUB')).toBeUndefined();
    expect(restarted.catalog.versions.map((version) => version.version)).toEqual(['2025.1', '2026.1']);
    await store.close();
  });

  it('the events are the same on every store: their ids derive from the seeding, not from chance', async () => {
    const ids = async () => {
      const store = SqliteEventStore.open({ path: ':memory:' });
      await new CatalogBook(store, new VirtualClock(NOW), new PriceCatalogProvider()).seed();
      const stored = (await store.readStream(CATALOG_STREAM)).map((event) => event.id);
      await store.close();
      return stored;
    };
    expect(await ids()).toEqual(await ids());
  });
});
