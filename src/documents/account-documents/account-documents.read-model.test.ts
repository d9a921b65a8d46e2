import { randomUUID } from 'node:crypto';
import {
  apiSpecification,
  expectNoNewEvents,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { fallbacks, liveTable, writeThenRead } from '../../../test/support/read-models.js';
import { legalPostpaid, usage } from '../../../test/support/requests.js';

/** An account's documents come from the documents read model, consistent with the writes before them. */
const spec = apiSpecification({ now: '2026-03-01T06:00:00.000Z' });
afterAll(() => spec.close());

const auditor = { role: 'auditor' as const };

describe('GET /v1/accounts/:id/documents… from the documents read model', () => {
  beforeAll(async () => {
    const api = await spec.api();
    await api.call('POST', '/v1/accounts', legalPostpaid('dm-vektor'));
    await api.advanceTo('2026-03-10T09:00:00.000Z');
    await api.call('POST', '/v1/accounts/dm-vektor/usage', usage('dm-u1', 'test.unit', '1220'));
  });

  it('read-your-writes: the documents a month end issued are listed right after it, though the read model was behind', async () => {
    const api = await spec.api();
    const before = await fallbacks(api, 'account-documents');
    const list = await writeThenRead(
      api,
      () => api.advanceTo('2026-04-02T09:00:00.000Z'),
      () => api.call('GET', '/v1/accounts/dm-vektor/documents', undefined, auditor),
    );
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
    expect(await fallbacks(api, 'account-documents')).toBe(before);
  });

  it('one document by number, as JSON and as PDF; an unknown number is a 404; nothing is stored', async () => {
    await spec
      .given()
      .when({
        method: 'GET',
        path: '/v1/accounts/dm-vektor/documents/RU-MOSCOW-LLC-BILL-2026-000001',
        role: 'auditor',
      })
      .then(
        expectResponse(200, {
          documentId: 'dm-vektor/2026-03/bill/dm-vektor-2026-03',
          dueDate: '2026-04-14',
        }),
        expectNoNewEvents(),
      );
    await spec
      .given()
      .when({
        method: 'GET',
        path: '/v1/accounts/dm-vektor/documents/RU-MOSCOW-LLC-2026-000001/pdf',
        role: 'auditor',
      })
      .then((result) => {
        expect(result.status).toBe(200);
        expect(result.headers.get('content-type')).toBe('application/pdf');
      }, expectNoNewEvents());
    await spec
      .given()
      .when({ method: 'GET', path: '/v1/accounts/dm-vektor/documents/NOPE', role: 'auditor' })
      .then(expectResponse(404), expectNoNewEvents());
    await spec
      .given()
      .when({ method: 'GET', path: '/v1/accounts/dm-nobody/documents', role: 'auditor' })
      .then(expectResponse(404), expectNoNewEvents());
  });

  it('what the read model holds is what is shown (it is read, not the stream)', async () => {
    const api = await spec.api();
    const table = await liveTable(api, 'documents', 'documents');
    const row = await api.projections.db.get<{ document_id: string; content: string }>(
      `SELECT document_id, content FROM ${table} WHERE number = $1`,
      ['RU-MOSCOW-LLC-2026-000001'],
    );
    const content = JSON.parse(row!.content);
    const original = row!.content;
    content.date = '2026-03-30';
    await api.projections.db.run(`UPDATE ${table} SET content = $2 WHERE document_id = $1`, [
      row!.document_id,
      JSON.stringify(content),
    ]);
    try {
      const list = await api.call('GET', '/v1/accounts/dm-vektor/documents', undefined, auditor);
      expect(list.body[0]).toMatchObject({ number: 'RU-MOSCOW-LLC-2026-000001', date: '2026-03-30' });
    } finally {
      await api.projections.db.run(`UPDATE ${table} SET content = $2 WHERE document_id = $1`, [
        row!.document_id,
        original,
      ]);
    }
  });

  it('with the read model stopped behind the log, the same bodies come from the documents stream, counted', async () => {
    const api = await spec.api();
    const paths = [
      '/v1/accounts/dm-vektor/documents',
      '/v1/accounts/dm-vektor/documents/RU-MOSCOW-LLC-2026-000001',
      '/v1/accounts/dm-vektor/documents/RU-MOSCOW-LLC-BILL-2026-000001',
    ];
    const served = await Promise.all(paths.map((path) => api.call('GET', path, undefined, auditor)));
    const before = await fallbacks(api, 'account-documents');
    await api.projections.stop();
    // Another account's documents stream moves on: the stopped read model is behind and cannot catch up.
    await api.store.append('documents-dm-other', [{ id: randomUUID(), type: 'DocumentVoided', data: {} }]);
    for (const [i, path] of paths.entries()) {
      const fromLog = await api.call('GET', path, undefined, auditor);
      expect({ path, body: fromLog.body }).toEqual({ path, body: served[i]!.body });
    }
    expect(await fallbacks(api, 'account-documents')).toBe(before + paths.length);
  });
});
