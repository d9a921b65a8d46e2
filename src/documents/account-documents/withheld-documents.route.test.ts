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

  /**
   * Numbering in the order of dates (issue 13): wd-late's April UPD is withheld (no legal details) while
   * wd-prompt's April and May UPDs take numbers; the details arrive on 3 June.
   */
  const withheldWhileOthersAreNumbered = once(async (api: TestApi) => {
    const april = '2026-04-03T09:00:00+03:00';
    await api.advanceTo(april);
    const { legalDetails: _none, ...withoutDetails } = postpaidLegal('wd-late');
    await api.call('POST', '/v1/accounts', { ...withoutDetails, openedAt: april });
    await api.call('POST', '/v1/accounts', { ...postpaidLegal('wd-prompt'), openedAt: april });
    const tenth = '2026-04-10T12:00:00+03:00';
    await api.advanceTo(tenth);
    await api.call('POST', '/v1/accounts/wd-late/usage', usage('wd-late-u1', 'test.unit', '1220', tenth));
    await api.call('POST', '/v1/accounts/wd-prompt/usage', usage('wd-prompt-u1', 'test.unit', '610', tenth));
    const may = '2026-05-10T12:00:00+03:00';
    await api.advanceTo(may);
    await settle(api);
    await api.call('POST', '/v1/accounts/wd-prompt/usage', usage('wd-prompt-u2', 'test.unit', '122', may));
    await api.advanceTo('2026-06-03T12:00:00+03:00');
    await settle(api);
  });

  it('released after later documents were numbered, the withheld UPD takes the next number and is drawn up on the day of release', () =>
    spec
      .given(withheldWhileOthersAreNumbered)
      .when({ method: 'PUT', path: '/v1/accounts/wd-late/legal-details', body: LEGAL_DETAILS })
      .then(expectResponse(200), async (_result, api) => {
        await settle(api);
        const read = (path: string) => api.call('GET', path, undefined, { role: 'auditor' });
        const prompt = (await read('/v1/accounts/wd-prompt/documents')).body as Array<{
          kind: string;
          number: string;
          date: string;
        }>;
        const promptUpds = prompt.filter((d) => d.kind === 'upd');
        expect(promptUpds.map((d) => d.date)).toEqual(['2026-04-30', '2026-05-31']);
        const late = (await read('/v1/accounts/wd-late/documents')).body as Array<{
          kind: string;
          number: string;
        }>;
        const released = late.find((d) => d.kind === 'upd')!;
        const upd = (await read(`/v1/accounts/wd-late/documents/${released.number}`)).body;
        const sequenceOf = (number: string) => Number(number.slice(-6));
        // The next number of the series, after wd-prompt's May UPD; dated the day of release (not 30 April),
        // so no later-numbered document is dated earlier. The services and their shipment stay April's.
        expect(sequenceOf(upd.number)).toBe(sequenceOf(promptUpds[1]!.number) + 1);
        expect(upd).toMatchObject({
          kind: 'upd',
          periodId: '2026-04',
          date: '2026-06-03',
          shipmentDate: '2026-04-30',
          servicePeriod: { firstDay: '2026-04-01', lastDay: '2026-04-30' },
          payer: expect.objectContaining({ name: LEGAL_DETAILS.name }),
        });
        expect((await read('/v1/accounts/wd-late/withheld-documents')).body).toEqual([]);
      }));
});
