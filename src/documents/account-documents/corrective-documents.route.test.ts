/**
 * Corrective documents end to end (issue 14): a correction of closed March is booked in open April as a
 * `ChargeCorrected` event — appended to the store directly, as the correction commands will append it
 * (they are built in parallel) — and the document issuer issues the corrective documents through the command
 * bus; the document routes serve them as JSON and PDF and the reconciliation report shows them.
 *
 * March: two legal entities used 1 220 test units (1.00 RUB each, VAT 22 % included): kd-vektor on the first
 * provider's profile (a UPD status 1, spent from balance), kd-romashka on the second's (act + VAT invoice).
 * On 2 April at 12:30 Moscow time: kd-vektor gets 122.00 more (100 units booked late) and a grant-paid
 * correction; kd-romashka 61.00 less (a credit) and a correction of April itself.
 */
import { CommandBus } from '@nestjs/cqrs';
import type { ChargeCorrection } from '../../domain/ledger/ledger-events.js';
import type { CorrectiveDocument, Numbered } from '../../domain/documents/index.js';
import { correction } from '../../domain/documents/corrective-documents.fixtures.js';
import {
  apiSpecification,
  expectNoNewEvents,
  expectResponse,
  stream,
} from '../../../test/support/api-specification.js';
import { KEYS, type TestApi } from '../../../test/support/api.js';
import { once } from '../../../test/support/once.js';
import { creditLegal, usage } from '../../../test/support/requests.js';
import { formatAmount } from '../forms/form-common.js';
import { missingFields, readPdf } from '../forms/pdf-text.fixtures.js';
import { IssueCorrectiveDocuments } from '../issue-documents/issue-documents.command.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

const AT = '2026-04-02T09:30:00.000Z';
const testUnit = { service: 'Test Service', category: 'compute', sku: 'test.unit', at: AT };
const lateUnits = (id: string, quantity: string, amount: string): ChargeCorrection =>
  correction(id, amount, {
    ...testUnit,
    kind: 'late-usage',
    usageRecordId: `${id}-record`,
    usage: {
      quantity,
      unit: 'unit',
      windowStart: '2026-03-30T10:00:00.000Z',
      windowEnd: '2026-03-30T10:00:00.000Z',
      catalogVersion: '1',
      ratedAmount: amount,
    },
    reason: 'Usage record delivered late',
  });
const corrected = (accountId: string, ...corrections: ChargeCorrection[]) =>
  stream(
    `ledger-${accountId}@2026-04`,
    ...corrections.map((data) => ({ type: 'ChargeCorrected', data, at: AT })),
  );

const booked = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', {
    ...creditLegal('kd-vektor'),
    profileId: 'vk-legal-postpaid',
    legalDetails: { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
  });
  await api.call('POST', '/v1/accounts', creditLegal('kd-romashka'));
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  for (const id of ['kd-vektor', 'kd-romashka'])
    await api.call('POST', `/v1/accounts/${id}/usage`, usage(`${id}-u1`, 'test.unit', '1220'));
  await api.advanceTo('2026-04-02T09:00:00.000Z');
});

const correctionsBooked = once(async (api: TestApi) => {
  await booked(api);
  const given = [
    corrected(
      'kd-vektor',
      lateUnits('kd-late', '100', '122'),
      // Paid by a grant: on the spent-from-balance basis it changes nothing on the documents.
      correction('kd-grant', '10', {
        ...testUnit,
        fromGrants: [{ grantId: 'g-1', amount: '10' }],
        fromBalance: '0',
        fromBalanceBy: [],
      }),
    ),
    corrected(
      'kd-romashka',
      correction('kd-credit', '-61', { ...testUnit, reason: 'Credit for an outage', reference: 'INC-7' }),
      // April corrects April: the April documents will include it.
      correction('kd-april', '5', { ...testUnit, correctsPeriod: '2026-04' }),
    ),
  ];
  for (const g of given) {
    // Appended as the correction commands store them, then the issuer runs (a few minutes later).
    await spec
      .given(g)
      .when({ method: 'GET', path: '/v1/accounts/kd-vektor/documents', role: 'auditor' })
      .then(expectResponse(200));
  }
  await api.advanceTo('2026-04-02T09:35:00.000Z');
  const vektor = await documentsOf(api, 'kd-vektor');
  const romashka = await documentsOf(api, 'kd-romashka');
  const numberOf = (documents: typeof vektor, kind: string) => documents.find((d) => d.kind === kind)!.number;
  issued = {
    ukd: numberOf(vektor, 'ukd'),
    upd: numberOf(vektor, 'upd'),
    act: numberOf(romashka, 'act'),
    correctiveAct: numberOf(romashka, 'corrective-act'),
    ksf: numberOf(romashka, 'corrective-vat-invoice'),
  };
});
/** The numbers the issuer gave (set once the corrections are booked). */
let issued: Record<'ukd' | 'upd' | 'act' | 'correctiveAct' | 'ksf', string>;

const get = (path: string) => ({ method: 'GET' as const, path, role: 'auditor' as const });

async function documentsOf(api: TestApi, accountId: string) {
  const list = await api.call('GET', `/v1/accounts/${accountId}/documents`, undefined, { role: 'auditor' });
  return list.body as Array<{ number: string; kind: string; date: string; periodId: string }>;
}

describe('corrective documents issued when a correction is booked', () => {
  it('a UPD status 1 gets one УКД status 1, numbered next in the series, dated the correction’s day', () =>
    spec
      .given(correctionsBooked)
      .when(get('/v1/accounts/kd-vektor/documents'))
      .then(expectResponse(200), async (result, api) => {
        const documents = result.body as Awaited<ReturnType<typeof documentsOf>>;
        expect(documents.map((d) => [d.kind, d.periodId, d.date])).toEqual([
          ['upd', '2026-03', '2026-03-31'],
          ['bill', '2026-03', '2026-04-01'],
          ['ukd', '2026-03', '2026-04-02'],
        ]);
        const upd = documents[0]!;
        const ukd = documents[2]!;
        // The issuer's accounting series: the two March originals of both accounts, then the corrections.
        const romashka = await documentsOf(api, 'kd-romashka');
        const sequence = (n: string) => Number(n.slice(-6));
        const accounting = [...documents, ...romashka]
          .filter((d) => d.kind !== 'bill')
          .map((d) => sequence(d.number))
          .sort((a, b) => a - b);
        expect(accounting).toEqual(accounting.map((_, i) => accounting[0]! + i));
        expect(sequence(ukd.number)).toBeGreaterThan(sequence(upd.number));
      }));

  it('the УКД as JSON: the UPD it corrects, before / after / increase / decrease, the change', () =>
    spec
      .given(correctionsBooked)
      .when(() => get(`/v1/accounts/kd-vektor/documents/${issued.ukd}`))
      .then(expectResponse(200), expectNoNewEvents(), (result) => {
        const ukd = result.body as Numbered<CorrectiveDocument>;
        expect(ukd).toMatchObject({
          kind: 'ukd',
          status: 1,
          periodId: '2026-03',
          corrects: { kind: 'upd', number: issued.upd, date: '2026-03-31' },
          correctionIds: ['kd-late'],
          grounds: ['Usage record delivered late'],
          change: {
            increase: { net: '100.00', vat: '22.00', gross: '122.00' },
            decrease: { net: '0.00', vat: '0.00', gross: '0.00' },
          },
        });
        expect(ukd.correctiveLines).toEqual([
          expect.objectContaining({
            sku: 'test.unit',
            before: {
              net: '1000.00',
              vat: '220.00',
              gross: '1220.00',
              quantity: '1220',
              unitPrice: '0.819672',
            },
            after: {
              net: '1100.00',
              vat: '242.00',
              gross: '1342.00',
              quantity: '1320',
              unitPrice: '0.833333',
            },
            increase: { net: '100.00', vat: '22.00', gross: '122.00', quantity: '100' },
            decrease: { net: '0.00', vat: '0.00', gross: '0.00' },
          }),
        ]);
      }));

  it('the grant-paid correction and the one of the open period issued nothing', () =>
    spec
      .given(correctionsBooked)
      .when(get('/v1/accounts/kd-romashka/documents'))
      .then(expectResponse(200), (result) => {
        // kd-romashka: act and VAT invoice for March, then one corrective act and one КСФ (the credit).
        const kinds = (result.body as Array<{ kind: string }>).map((d) => d.kind);
        expect(kinds.filter((kind) => kind !== 'bill')).toEqual([
          'act',
          'vat-invoice',
          'corrective-act',
          'corrective-vat-invoice',
        ]);
      }));

  it('the corrective act as PDF prints the act it corrects and rows А/Б/В/Г with the amounts', async () => {
    const api = await spec.api();
    await correctionsBooked(api);
    // Fetched as bytes (one rendering): the PDF's text layer read back with pdftotext.
    const response = await fetch(
      `${api.baseUrl}/v1/accounts/kd-romashka/documents/${issued.correctiveAct}/pdf`,
      { headers: { authorization: `Bearer ${KEYS.auditor}` } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const { text } = readPdf(Buffer.from(await response.arrayBuffer()), 'corrective-act-route');
    expect(
      missingFields(text, [
        `Корректировочный акт № ${issued.correctiveAct} от 2 апреля 2026 г.`,
        `к акту № ${issued.act} от 31.03.2026`,
        'Credit for an outage (INC-7)',
        'А (до изменения)',
        'Б (после изменения)',
        'В (увеличение)',
        'Г (уменьшение)',
        formatAmount('1220.00'),
        formatAmount('1159.00'),
        formatAmount('61.00'),
        'Стоимость оказанных услуг уменьшена на 61,00',
      ]),
    ).toEqual([]);
  });

  it('the reconciliation report shows the corrective act: the decrease reduces what the customer owes', () =>
    spec
      .given(correctionsBooked)
      .when(get('/v1/accounts/kd-romashka/reconciliation?from=2026-03-01&to=2026-04-30'))
      .then(expectResponse(200), expectNoNewEvents(), async (result, api) => {
        const documents = await documentsOf(api, 'kd-romashka');
        const act = documents.find((d) => d.kind === 'act')!;
        const corrective = documents.find((d) => d.kind === 'corrective-act')!;
        const ksf = documents.find((d) => d.kind === 'corrective-vat-invoice')!;
        const lines = (
          result.body.lines as Array<{ reference: string; debit: string; credit: string }>
        ).filter((l) => l.reference === act.number || l.reference === corrective.number);
        expect(lines.map((l) => [l.reference, l.debit, l.credit])).toEqual([
          [act.number, '1220.00', '0.00'],
          [corrective.number, '0.00', '61.00'],
        ]);
        expect(result.body.closingBalance).toBe('1159.00');
        expect(result.body.excluded).toContainEqual({
          reference: ksf.number,
          reason: 'not-a-services-document',
        });
      }));

  it('issuing again (a retry after a crash) stores nothing and numbers nothing', async () => {
    const api = await spec.api();
    await correctionsBooked(api);
    const head = await api.store.headPosition();
    const outcome = await api.app
      .get(CommandBus)
      .execute(new IssueCorrectiveDocuments('kd-vektor', '2026-04', 'kd-late'));
    expect(outcome).toMatchObject({ eventTypes: [] });
    expect(await api.store.readAll(head === undefined ? {} : { afterPosition: head })).toEqual([]);
  });
});
