import { IdempotencyRetention } from './idempotency-retention.js';
import { IdempotencyStore } from './idempotency-store.js';

const DAY_MS = 86_400_000;
const T0 = '2026-03-01T10:00:00.000Z';

describe('the idempotency records retention sweep', () => {
  it('deletes answered records older than the retention days, as of the sweep, and keeps younger ones', async () => {
    const store = new IdempotencyStore(':memory:', { owner: 'a' });
    await store.claim('s', 'k', 'h', T0);
    await store.remember('s', 'k', { status: 201, body: '{}' });
    const retention = new IdempotencyRetention(store, 400);
    expect(await retention.sweep(Date.parse(T0) + 399 * DAY_MS)).toBe(0);
    expect(await store.claim('s', 'k', 'h', T0)).toMatchObject({ kind: 'replay' });
    expect(await retention.sweep(Date.parse(T0) + 401 * DAY_MS)).toBe(1);
    expect(await store.claim('s', 'k', 'h', T0)).toEqual({ kind: 'new' });
    await store.close();
  });
});
