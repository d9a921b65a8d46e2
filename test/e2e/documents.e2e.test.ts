import { startTestApi, type TestApi } from '../support/api.js';
import { usage } from '../support/requests.js';

const postpaid = {
  accountId: 'vektor',
  payerType: 'legal-entity',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'individual-contract',
  paymentScheme: 'postpaid',
  profileId: 'vk-legal-postpaid',
  legalDetails: {
    name: 'ООО «Вектор»',
    taxId: '7707083893',
    kpp: '773601001',
    address: 'Москва, ул. Вавилова, 19',
  },
  openedAt: '2026-03-01T09:00:00+03:00',
};

describe('documents over HTTP: from an empty store to a PDF', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi('2026-03-01T06:00:00.000Z');
  });
  afterEach(() => api.close());

  it('issues a UPD and a bill at month end, numbered per issuer and year, as JSON, PDF and in the reports', async () => {
    expect((await api.call('POST', '/v1/accounts', postpaid)).status).toBe(201);
    await api.advanceTo('2026-03-10T09:00:00.000Z');
    await api.call(
      'POST',
      '/v1/accounts/vektor/usage',
      usage('u-1', 'test.unit', '1220', '2026-03-10T12:00:00+03:00'),
    );
    await api.advanceTo('2026-04-02T09:00:00.000Z');

    const list = await api.call('GET', '/v1/accounts/vektor/documents', undefined, { role: 'auditor' });
    expect(list.body).toEqual([
      {
        number: 'RU-MOSCOW-LLC-2026-000001',
        kind: 'upd',
        date: '2026-03-31',
        periodId: '2026-03',
        totals: { net: '1000.00', vat: '220.00', gross: '1220.00' },
      },
      expect.objectContaining({ number: 'RU-MOSCOW-LLC-BILL-2026-000001', kind: 'bill', date: '2026-04-01' }),
    ]);
    // The bill document renders the ledger's own period bill (the one payments are applied to): its id and
    // due date come from the BillIssued of the close.
    const bill = await api.call(
      'GET',
      '/v1/accounts/vektor/documents/RU-MOSCOW-LLC-BILL-2026-000001',
      undefined,
      {
        role: 'auditor',
      },
    );
    expect(bill.body).toMatchObject({
      documentId: 'vektor/2026-03/bill/vektor-2026-03',
      dueDate: '2026-04-14',
    });
    const upd = await api.call('GET', '/v1/accounts/vektor/documents/RU-MOSCOW-LLC-2026-000001', undefined, {
      role: 'auditor',
    });
    expect(upd.body).toMatchObject({
      kind: 'upd',
      status: 1,
      payer: { name: 'ООО «Вектор»', taxId: '7707083893' },
    });
    expect(upd.body.lines).toEqual([
      expect.objectContaining({
        vatRate: { kind: 'percent', percent: '22' },
        vat: '220.00',
        gross: '1220.00',
      }),
    ]);

    const pdf = await fetch(`${api.baseUrl}/v1/accounts/vektor/documents/RU-MOSCOW-LLC-2026-000001/pdf`, {
      headers: { authorization: 'Bearer aud-key' },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toContain('DejaVuSans');

    await api.call('POST', '/v1/accounts/vektor/bills/vektor-2026-03/payments', {
      paymentId: 'pp-1',
      amount: '1220.00',
      currency: 'RUB',
      channel: 'bank-transfer',
      paidAt: '2026-04-02T10:00:00+03:00',
    });
    const reconciliation = await api.call(
      'GET',
      '/v1/accounts/vektor/reconciliation?from=2026-03-01&to=2026-04-30',
      undefined,
      {
        role: 'auditor',
      },
    );
    expect(reconciliation.body).toMatchObject({ closingBalance: '0.00', owedBy: 'nobody' });
    expect(reconciliation.body.lines).toHaveLength(2);

    const csv = await fetch(
      `${api.baseUrl}/v1/accounts/vektor/billing-report?from=2026-03-01&to=2026-03-31&format=csv`,
      {
        headers: { authorization: 'Bearer aud-key' },
      },
    );
    const text = await csv.text();
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(text).toContain('2026-03-10');
    expect(text).toContain('1220');
    expect(
      (await api.call('GET', '/v1/accounts/vektor/documents/NOPE', undefined, { role: 'auditor' })).status,
    ).toBe(404);
    expect(
      (await api.call('GET', '/v1/accounts/vektor/reconciliation?from=2026-13-01&to=2026-04-30')).status,
    ).toBe(400);
  });
});
