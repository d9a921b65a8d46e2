import { documentDeliveryProjection } from '../../projections/workers/document-delivery.projection.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import type { RecordedEvent } from '../../src/platform/event-store/event-store.port.js';

const issued = (id: string, storedAt: string, position: bigint): RecordedEvent =>
  ({
    id,
    streamId: 'documents-acme',
    type: 'DocumentIssued',
    revision: Number(position),
    position,
    storedAt: new Date(storedAt),
    data: { number: `RU-MOSCOW-LLC-2026-00000${position}`, kind: 'act' },
    metadata: {},
  }) as unknown as RecordedEvent;

/**
 * DELIVERY_SINCE: a first deployment over an existing log must not e-mail every document ever issued — the
 * documents stored before the cut-off are not planned for delivery; those after it are.
 */
describe('the delivery cut-off (DELIVERY_SINCE)', () => {
  it('plans deliveries only for documents stored from the cut-off on', async () => {
    const db = new SqliteReadModelDb(':memory:');
    const table = (name: string) => name;
    const projection = documentDeliveryProjection({ since: '2026-12-01T00:00:00.000Z' });
    await projection.setup(db, table);
    await projection.apply(db, issued('old', '2026-11-30T23:59:59.000Z', 1n), table);
    await projection.apply(db, issued('new', '2026-12-01T00:00:00.000Z', 2n), table);
    const planned = await db.all<{ event_id: string; channel: string }>(
      'SELECT event_id, channel FROM delivery_outbox ORDER BY event_id',
    );
    expect(planned).toEqual([{ event_id: 'new', channel: 'email' }]);

    // Without a cut-off every document is planned.
    const all = new SqliteReadModelDb(':memory:');
    const everything = documentDeliveryProjection();
    await everything.setup(all, table);
    await everything.apply(all, issued('old', '2026-11-30T23:59:59.000Z', 1n), table);
    expect(await all.all('SELECT event_id FROM delivery_outbox')).toEqual([{ event_id: 'old' }]);
    await db.close();
    await all.close();
  });
});
