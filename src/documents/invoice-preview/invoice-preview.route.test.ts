import { startTestApi, type TestApi } from '../../../test/support/api.js';
import {
  grantIssued,
  opened,
  postpaidLegal,
  settle,
  toppedUp,
  trialIndividual,
  used,
} from '../../../test/support/given-accounts.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2026-03-02T09:00:00.000Z', ':memory:', { 'no-read': ['usage:write'] });
  // A postpaid legal entity (UPD and a bill at the month end): 300 paid, a 100 promo grant, 1 000 used.
  await opened(postpaidLegal('pv-romashka'))(api);
  await toppedUp('pv-romashka', 'pv-pay-1', '300')(api);
  await opened(trialIndividual('pv-anna'))(api);
  await toppedUp('pv-anna', 'pv-pay-2', '500')(api);
  await grantIssued('pv-romashka', {
    grantId: 'pv-g1',
    kind: 'promo',
    amount: '100',
    issuedAt: '2026-03-02T09:00:00Z',
    expiresAt: '2026-05-30T00:00:00Z',
  })(api);
  await api.advanceTo('2026-03-11T09:00:00.000Z');
  await used('pv-romashka', 'pv-u1', '1000')(api);
  await used('pv-anna', 'pv-u2', '120')(api);
  await api.advanceTo('2026-03-15T09:00:00.000Z');
  await settle(api);
});
afterAll(() => api.close());

const preview = (accountId: string, asOf?: string, options: { key?: string } = {}) =>
  api.call(
    'GET',
    `/v1/accounts/${accountId}/preview${asOf === undefined ? '' : `?asOf=${encodeURIComponent(asOf)}`}`,
    undefined,
    options,
  );

describe('GET /v1/accounts/:id/preview — the open period’s would-be documents', () => {
  it('mid-month: the would-be UPD and bill, unnumbered, with the totals and the amount to pay; nothing stored', async () => {
    const head = await api.store.headPosition();
    const response = await preview('pv-romashka', '2026-03-15T12:00:00+03:00');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      accountId: 'pv-romashka',
      preview: true,
      periodId: '2026-03',
      currency: 'RUB',
      totals: {
        consumption: '1000',
        grantsUsed: '100',
        deposits: '300',
        closingBalance: '-600',
        // consumption − (deposits + grants used): what the period bill would ask.
        amountToPay: '600',
      },
    });
    const documents = response.body.documents as Array<Record<string, any>>;
    expect(documents.map((d) => d.kind)).toEqual(['upd', 'bill']);
    for (const document of documents) {
      expect(document).toMatchObject({ number: null, preview: true, periodId: '2026-03' });
    }
    // The date they would carry: the UPD the period's last day, the bill the day after.
    expect(documents[0]).toMatchObject({ date: '2026-03-31', totals: { gross: '900.00' } });
    expect(documents[1]).toMatchObject({ date: '2026-04-01', billKind: 'period', toPay: '600.00' });
    // A read writes nothing: no period opened or closed, no number taken.
    expect(await api.store.headPosition()).toBe(head);
  });

  it('as of an earlier instant: only what had happened by then', async () => {
    const response = await preview('pv-romashka', '2026-03-05T12:00:00+03:00');
    expect(response.status).toBe(200);
    expect(response.body.totals).toMatchObject({ consumption: '0', deposits: '300', amountToPay: '0' });
    expect(response.body.documents).toEqual([]);
  });

  it('without asOf: now', async () => {
    const response = await preview('pv-romashka');
    expect(response.status).toBe(200);
    expect(response.body.asOf).toBe('2026-03-15T09:00:00.000Z');
    expect(response.body.totals.amountToPay).toBe('600');
  });

  it('an individual: no closing documents, the balance', async () => {
    const response = await preview('pv-anna', '2026-03-15T12:00:00+03:00');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      payerType: 'individual',
      documents: [],
      totals: { consumption: '120', deposits: '500', closingBalance: '380', amountToPay: '0' },
    });
  });

  it('400 for a bad asOf, naming the field and the rule; nothing stored', async () => {
    const head = await api.store.headPosition();
    const response = await preview('pv-romashka', 'yesterday');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'asOf', rule: 'isInstant' })]);
    expect(await api.store.headPosition()).toBe(head);
  });

  it('404 for an unknown account', async () => {
    expect((await preview('pv-nobody', '2026-03-15T12:00:00+03:00')).status).toBe(404);
  });

  it('403 without the read scope', async () => {
    expect((await preview('pv-romashka', undefined, { key: 'no-read' })).status).toBe(403);
  });
});
