import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { LEGAL_DETAILS, postpaidLegal, settle } from '../../../test/support/given-accounts.js';
import { once } from '../../../test/support/once.js';
import { usage } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

/**
 * A postpaid legal entity opened without legal details used 1 220.00 in March; at the month end its bill
 * went out without a payer, and its UPD was withheld (a UPD needs the buyer's requisites).
 */
const withheldAtMonthEnd = once(async (api: TestApi) => {
  const { legalDetails: _none, ...withoutDetails } = postpaidLegal('wd-vektor');
  await api.call('POST', '/v1/accounts', withoutDetails);
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await api.call('POST', '/v1/accounts/wd-vektor/usage', usage('wd-u1', 'test.unit', '1220'));
  await api.advanceTo('2026-04-02T09:00:00.000Z');
  await settle(api);
});

const withheld = (role: 'service' | 'auditor' | 'ops' | null = 'auditor') => ({
  method: 'GET' as const,
  path: '/v1/accounts/wd-vektor/withheld-documents',
  role,
});

describe('GET /v1/accounts/:id/withheld-documents', () => {
  it('shows what is withheld, why and since when; the log holds it as DocumentsWithheld', () =>
    spec
      .given(withheldAtMonthEnd)
      .when(withheld())
      .then(
        expectResponse(200, [
          {
            withheldId: '2026-03/period',
            periodId: '2026-03',
            source: 'period',
            code: 'DOCUMENT_PAYER_DETAILS_REQUIRED',
            reason: expect.stringContaining('wd-vektor'),
            at: '2026-03-31T21:00:00.000Z',
          },
        ]),
        async (_result, api) => {
          const stream = await api.store.readStream('documents-wd-vektor');
          expect(stream.map((e) => [e.type, (e.data as { kind?: string }).kind])).toEqual([
            ['DocumentIssued', 'bill'],
            ['DocumentsWithheld', undefined],
          ]);
        },
        expectNoNewEvents(),
      ));

  it('once the legal details arrive the withheld UPD is issued with its original date, and nothing is withheld', () =>
    spec
      .given(withheldAtMonthEnd)
      .when({ method: 'PUT', path: '/v1/accounts/wd-vektor/legal-details', body: LEGAL_DETAILS })
      .then(expectResponse(200), async (_result, api) => {
        await settle(api);
        const documents = await api.call('GET', '/v1/accounts/wd-vektor/documents', undefined, {
          role: 'auditor',
        });
        expect(documents.body).toEqual([
          expect.objectContaining({ kind: 'bill', date: '2026-04-01' }),
          expect.objectContaining({ kind: 'upd', date: '2026-03-31', totals: expect.any(Object) }),
        ]);
        const still = await api.call('GET', '/v1/accounts/wd-vektor/withheld-documents', undefined, {
          role: 'auditor',
        });
        expect(still.body).toEqual([]);
        const stream = await api.store.readStream('documents-wd-vektor');
        expect(stream.map((e) => e.type).slice(-2)).toEqual(['DocumentIssued', 'WithheldDocumentsReleased']);
      }));

  it('an account with nothing withheld gets an empty list', () =>
    spec
      .given(async (api) => api.call('POST', '/v1/accounts', postpaidLegal('wd-fine')))
      .when({ ...withheld(), path: '/v1/accounts/wd-fine/withheld-documents' })
      .then(expectResponse(200, []), expectNoNewEvents()));

  it('404 for an unknown account; 401 without a key', async () => {
    await spec
      .given()
      .when({ ...withheld(), path: '/v1/accounts/wd-nobody/withheld-documents' })
      .then(expectProblem(404, 'NOT_FOUND'));
    await spec.given().when(withheld(null)).then(expectProblem(401, 'UNAUTHENTICATED'));
  });
});
