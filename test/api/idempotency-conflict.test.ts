import { jest } from '@jest/globals';
import { WrongExpectedRevisionError } from '../../src/platform/event-store/errors.js';
import type { ExpectedRevision, NewEvent } from '../../src/platform/event-store/event-store.port.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { individual } from '../support/requests.js';

/**
 * 409 CONCURRENT_MODIFICATION means "nothing stored — retry" (docs/api.md). It is not the command's outcome:
 * a retry under the same Idempotency-Key runs the command, and the payment id the attempt claimed is free.
 * (Found by the kill -9 under load work: the 409 was remembered under the key and replayed forever.)
 */
describe('a conflict is not remembered under the Idempotency-Key', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('2026-03-10T09:00:00.000Z');
  });
  afterAll(() => api.close());

  it('the retry under the same key after a 409 CONCURRENT_MODIFICATION books the top-up once', async () => {
    expect((await api.call('POST', '/v1/accounts', individual('ic-anna'))).status).toBe(201);
    const original = api.store.append.bind(api.store);
    // Every append to the ledger meets another writer: the command gives up with 409.
    const conflicts = jest
      .spyOn(api.store, 'append')
      .mockImplementation(async (streamId: string, events: NewEvent[], expected?: ExpectedRevision) => {
        if (streamId.startsWith('ledger-'))
          throw new WrongExpectedRevisionError(streamId, expected ?? 'any', 99);
        return original(streamId, events, expected);
      });
    const topUp = { paymentId: 'ic-p1', amount: '500.00', currency: 'RUB', channel: 'card' };
    const headers = { 'idempotency-key': 'ic-k1' };
    const first = await api.call('POST', '/v1/accounts/ic-anna/top-ups', topUp, { headers });
    conflicts.mockRestore();
    expect(first).toMatchObject({ status: 409, body: { code: 'CONCURRENT_MODIFICATION' } });
    // The claim the attempt took was released: no payment was booked under it.
    const claim = await api.store.readStream('payment-ic-p1');
    expect(claim.map((e) => e.type)).toEqual(['PaymentClaimed', 'PaymentClaimReleased']);

    const retry = await api.call('POST', '/v1/accounts/ic-anna/top-ups', topUp, { headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.body).toMatchObject({ status: 'accepted', eventTypes: ['FundsDeposited'] });
    const replayed = await api.call('POST', '/v1/accounts/ic-anna/top-ups', topUp, { headers });
    expect(replayed.status).toBe(201);
    expect(replayed.body).toEqual(retry.body);
    const ledger = await api.store.readStream('ledger-ic-anna@2026-03');
    expect(ledger.filter((e) => e.type === 'FundsDeposited')).toHaveLength(1);
  });
});
