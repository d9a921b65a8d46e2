import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
  type Expectation,
} from '../../../test/support/api-specification.js';
import { KEYS, type TestApi } from '../../../test/support/api.js';
import type { ReconciliationReport } from '../../domain/documents/index.js';
import { formatAmount, formatDate } from '../forms/form-common.js';
import { missingFields, readPdf } from '../forms/pdf-text.fixtures.js';
import { once } from '../../../test/support/once.js';
import { creditLegal, individual, usage } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

const NUMBER = expect.stringMatching(/^RU-MOSCOW-LLC-2026-\d{6}$/);
/** Bills are numbered in a series of their own (seed 004: not accounting documents). */
const BILL_NUMBER = expect.stringMatching(/^RU-MOSCOW-LLC-BILL-2026-\d{6}$/);
const PROVIDER = { id: 'ru-moscow-llc', name: 'ООО «Облачные технологии»', taxId: '7707049388' };

const topUp = (
  api: TestApi,
  accountId: string,
  paymentId: string,
  amount: string,
  channel: string,
  paidAt: string,
) =>
  api.call('POST', `/v1/accounts/${accountId}/top-ups`, {
    paymentId,
    amount,
    currency: 'RUB',
    channel,
    paidAt,
  });

/**
 * March, closed by the month end:
 * - rr-vektor, postpaid on the first provider (UPD + bill; only bank transfers count in its documents):
 *   paid 200.00 by bank transfer on 5 March and 50.00 by card on 6 March, used 1220.00 on 10 March — of
 *   which the card paid 50.00, left out of its documents with the card payment (the UPD says 1170.00);
 * - rr-romashka, on the second provider (act + VAT invoice; cards count too), under contract ОБЛ-2026/7 of
 *   20 February: paid 1000.00 by bank transfer and 500.00 by card, used 1220.00 — it paid 280.00 more than it
 *   used;
 * - rr-anna, an individual (no documents, no channel counts): paid 100.00 by card.
 */
const marchClosed = once(async (api: TestApi) => {
  const legalDetails = { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' };
  await api.call('POST', '/v1/accounts', {
    ...creditLegal('rr-vektor'),
    profileId: 'vk-legal-postpaid',
    legalDetails,
  });
  await api.call('POST', '/v1/accounts', {
    ...creditLegal('rr-romashka'),
    agreement: { number: 'ОБЛ-2026/7', date: '2026-02-20' },
  });
  await api.call('POST', '/v1/accounts', individual('rr-anna'));
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await topUp(api, 'rr-vektor', 'rr-p1', '200.00', 'bank-transfer', '2026-03-05T10:00:00+03:00');
  await topUp(api, 'rr-vektor', 'rr-p2', '50.00', 'card', '2026-03-06T10:00:00+03:00');
  await topUp(api, 'rr-romashka', 'rr-p3', '1000.00', 'bank-transfer', '2026-03-05T10:00:00+03:00');
  await topUp(api, 'rr-romashka', 'rr-p4', '500.00', 'card', '2026-03-06T10:00:00+03:00');
  await topUp(api, 'rr-anna', 'rr-p5', '100.00', 'card', '2026-03-06T10:00:00+03:00');
  await api.call('POST', '/v1/accounts/rr-vektor/usage', usage('rr-u1', 'test.unit', '1220'));
  await api.call('POST', '/v1/accounts/rr-romashka/usage', usage('rr-u2', 'test.unit', '1220'));
  await api.advanceTo('2026-04-02T09:00:00.000Z');
});

const reconciliation = (
  accountId: string,
  query: string,
  role: 'service' | 'ops' | 'auditor' | null = 'auditor',
) => ({ method: 'GET' as const, path: `/v1/accounts/${accountId}/reconciliation${query}`, role });

describe('GET /v1/accounts/:id/reconciliation', () => {
  it('debits the service documents and credits the eligible payments of the range: the customer owes', () =>
    spec
      .given(marchClosed)
      .when(reconciliation('rr-vektor', '?from=2026-03-01&to=2026-03-31'))
      .then(
        expectResponse(200, {
          accountId: 'rr-vektor',
          currency: 'RUB',
          from: '2026-03-01',
          to: '2026-03-31',
          provider: PROVIDER,
          customer: { name: 'ООО «Вектор»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
          opening: { debit: '0.00', credit: '0.00' },
          // Owed: 970.00, the period bill — not 1020.00, which counted the 50.00 the card already paid.
          turnover: { debit: '1170.00', credit: '200.00' },
          closing: { debit: '970.00', credit: '0.00' },
          closingBalance: '970.00',
          owedBy: 'customer',
          owedAmount: '970.00',
        }),
        (result) => {
          expect(result.body.lines).toEqual([
            {
              date: '2026-03-05',
              entryType: 'payment',
              description: 'Payment rr-p1 (bank-transfer)',
              reference: 'rr-p1',
              debit: '0.00',
              credit: '200.00',
            },
            {
              date: '2026-03-31',
              entryType: 'document',
              description: expect.stringMatching(/^UPD RU-MOSCOW-LLC-2026-\d{6}$/),
              reference: NUMBER,
              debit: '1170.00',
              credit: '0.00',
            },
          ]);
          // The card payment does not count for this profile; the bill (1 April) is outside the range.
          expect(result.body.excluded).toEqual([{ reference: 'rr-p2', reason: 'channel-not-eligible' }]);
        },
        expectNoNewEvents(),
      ));

  it('opens a later range with the balance the earlier documents and payments left', () =>
    spec
      .given(marchClosed)
      .when(reconciliation('rr-vektor', '?from=2026-04-01&to=2026-04-30'))
      .then(
        expectResponse(200, {
          from: '2026-04-01',
          to: '2026-04-30',
          opening: { debit: '970.00', credit: '0.00' },
          lines: [],
          turnover: { debit: '0.00', credit: '0.00' },
          closingBalance: '970.00',
          owedBy: 'customer',
          // A bill is not an accounting document: named, never a line.
          excluded: [{ reference: BILL_NUMBER, reason: 'not-a-services-document' }],
        }),
        expectNoNewEvents(),
      ));

  it('a prepayment larger than the services: the provider owes; card payments count where the profile says', () =>
    spec
      .given(marchClosed)
      .when(reconciliation('rr-romashka', '?from=2026-03-01&to=2026-04-30', 'service'))
      .then(
        expectResponse(200, {
          customer: { name: 'ООО «Ромашка»', taxId: '7707083893' },
          opening: { debit: '0.00', credit: '0.00' },
          lines: [
            { date: '2026-03-05', reference: 'rr-p3', credit: '1000.00' },
            { date: '2026-03-06', reference: 'rr-p4', description: 'Payment rr-p4 (card)', credit: '500.00' },
            { date: '2026-03-31', entryType: 'document', reference: NUMBER, debit: '1220.00' },
          ],
          turnover: { debit: '1220.00', credit: '1500.00' },
          closing: { debit: '0.00', credit: '280.00' },
          closingBalance: '-280.00',
          owedBy: 'provider',
          owedAmount: '280.00',
          // The VAT invoice repeats the act.
          excluded: [{ reference: NUMBER, reason: 'not-a-services-document' }],
        }),
        (result) => expect(result.body.lines).toHaveLength(3),
        expectNoNewEvents(),
      ));

  it('an individual: no customer requisites, and no payment channel counts', () =>
    spec
      .given(marchClosed)
      .when(reconciliation('rr-anna', '?from=2026-03-01&to=2026-03-31', 'ops'))
      .then(
        expectResponse(200, {
          provider: PROVIDER,
          customer: null,
          lines: [],
          closingBalance: '0.00',
          owedBy: 'nobody',
          owedAmount: '0.00',
          excluded: [{ reference: 'rr-p5', reason: 'channel-not-eligible' }],
        }),
        expectNoNewEvents(),
      ));

  it('a range of a single day', () =>
    spec
      .given(marchClosed)
      .when(reconciliation('rr-vektor', '?from=2026-03-05&to=2026-03-05'))
      .then(
        expectResponse(200, {
          opening: { debit: '0.00', credit: '0.00' },
          lines: [{ reference: 'rr-p1', credit: '200.00' }],
          closingBalance: '-200.00',
          owedBy: 'provider',
        }),
        expectNoNewEvents(),
      ));

  it.each([
    ['from is missing', '?to=2026-03-31', 'from'],
    ['from is not a date', '?from=2026-13-01&to=2026-03-31', 'from'],
    ['from is not YYYY-MM-DD', '?from=1.3.2026&to=2026-03-31', 'from'],
    ['to is missing', '?from=2026-03-01', 'to'],
    ['to is not a date', '?from=2026-03-01&to=tomorrow', 'to'],
    ['from is a day that does not exist', '?from=2026-02-30&to=2026-03-31', 'from'],
    ['to is a day that does not exist', '?from=2026-03-01&to=2026-04-31', 'to'],
    ['from is after to', '?from=2026-04-01&to=2026-03-31', 'from'],
  ])('400 naming the field when %s; nothing stored', (_case, query, field) =>
    spec
      .given(marchClosed)
      .when(reconciliation('rr-vektor', query))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(reconciliation('rr-nobody', '?from=2026-03-01&to=2026-03-31'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(reconciliation('-rr-bad', '?from=2026-03-01&to=2026-03-31'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('401 without an API key (every role may read it)', () =>
    spec
      .given(marchClosed)
      .when(reconciliation('rr-vektor', '?from=2026-03-01&to=2026-03-31', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});

const reconciliationPdf = (
  accountId: string,
  query: string,
  role: 'service' | 'ops' | 'auditor' | null = 'auditor',
) => ({ method: 'GET' as const, path: `/v1/accounts/${accountId}/reconciliation.pdf${query}`, role });

/** The served PDF's bytes (the test client reads bodies as text) and the JSON report of the same range. */
async function pdfAndReport(api: TestApi, accountId: string, query: string) {
  const headers = { authorization: `Bearer ${KEYS.auditor}` };
  const base = `${api.baseUrl}/v1/accounts/${accountId}`;
  const pdf = Buffer.from(
    await (await fetch(`${base}/reconciliation.pdf${query}`, { headers })).arrayBuffer(),
  );
  const json = (await (
    await fetch(`${base}/reconciliation${query}`, { headers })
  ).json()) as ReconciliationReport;
  return { pdf, json };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The PDF's text layer carries the JSON report's numbers — opening, every line (by reference and amount),
 * turnovers, closing, who owes whom — so the two renderings of the one computation cannot drift apart.
 */
const expectPdfOfTheReport =
  (accountId: string, query: string, required: readonly string[]): Expectation =>
  async (result, api) => {
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('application/pdf');
    const { pdf, json } = await pdfAndReport(api, accountId, query);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = readPdf(pdf, `reconciliation-${accountId}`);
    expect(
      missingFields(text, [
        `за период с ${formatDate(json.from)} по ${formatDate(json.to)}`,
        `Сальдо начальное ${formatAmount(json.opening.debit)} ${formatAmount(json.opening.credit)}`,
        `Обороты за период ${formatAmount(json.turnover.debit)} ${formatAmount(json.turnover.credit)}`,
        `Сальдо конечное ${formatAmount(json.closing.debit)} ${formatAmount(json.closing.credit)}`,
        json.owedBy === 'nobody'
          ? 'задолженность отсутствует'
          : `составляет ${formatAmount(json.owedAmount)} руб.`,
        ...required,
      ]),
    ).toEqual([]);
    // Every line: its date, its document or payment by reference, its one amount (the other side is blank).
    for (const line of json.lines) {
      // The text layer's spaces are collapsed: the amount's non-breaking spaces too.
      const amount = formatAmount(line.entryType === 'payment' ? line.credit : line.debit).replace(
        /\u00a0/g,
        ' ',
      );
      // A refund part's reference is `<refund id>/<payment id>`; the form names both.
      const [refundId, paymentId] = line.reference.split('/');
      const named =
        line.entryType === 'refund'
          ? `Возврат денежных средств № ${escape(refundId!)} по оплате № ${escape(paymentId!)}`
          : `(Оплата|Акт|УПД) № ${escape(line.reference)}`;
      expect(text).toMatch(
        new RegExp(`${escape(formatDate(line.date))} ${named}( \\([^)]+\\))? ${escape(amount)} `),
      );
    }
    // What the report leaves out is not on the form either.
    for (const { reference } of json.excluded) expect(text).not.toContain(reference);
  };

describe('GET /v1/accounts/:id/reconciliation.pdf', () => {
  it('the customer owes: the form prints the JSON report’s numbers, the offer as the basis, in favour of the issuer', () =>
    spec
      .given(marchClosed)
      .when(reconciliationPdf('rr-vektor', '?from=2026-03-01&to=2026-03-31'))
      .then(
        (result) =>
          expect(result.headers.get('content-disposition')).toBe(
            'inline; filename="reconciliation-rr-vektor-2026-03-01-2026-03-31.pdf"',
          ),
        expectPdfOfTheReport('rr-vektor', '?from=2026-03-01&to=2026-03-31', [
          'между ООО «Облачные технологии» и ООО «Вектор»',
          'Публичная оферта',
          '05.03.2026 Оплата № rr-p1 (банковский перевод) 200,00',
          'УПД № RU-MOSCOW-LLC-2026-',
          'Обороты за период 1 170,00 200,00',
          'Сальдо конечное 970,00 0,00',
          'На 31.03.2026 задолженность в пользу ООО «Облачные технологии» составляет 970,00 руб. ' +
            '(Девятьсот семьдесят рублей 00 копеек).',
          'От исполнителя: ООО «Облачные технологии»',
          'Иванов И. И.',
          'От заказчика: ООО «Вектор»',
        ]),
        expectNoNewEvents(),
      ));

  it('a later range opens with the earlier balance', () =>
    spec
      .given(marchClosed)
      .when(reconciliationPdf('rr-vektor', '?from=2026-04-01&to=2026-04-30'))
      .then(
        expectPdfOfTheReport('rr-vektor', '?from=2026-04-01&to=2026-04-30', [
          'Сальдо начальное 970,00 0,00',
          'Обороты за период 0,00 0,00',
          'На 30.04.2026 задолженность в пользу ООО «Облачные технологии» составляет 970,00 руб.',
        ]),
        expectNoNewEvents(),
      ));

  it('the provider owes (a prepayment): the registered contract as the basis, in favour of the customer', () =>
    spec
      .given(marchClosed)
      .when(reconciliationPdf('rr-romashka', '?from=2026-03-01&to=2026-04-30', 'service'))
      .then(
        expectPdfOfTheReport('rr-romashka', '?from=2026-03-01&to=2026-04-30', [
          'Договор № ОБЛ-2026/7 от 20.02.2026',
          '06.03.2026 Оплата № rr-p4 (банковская карта) 500,00',
          'Акт № RU-MOSCOW-LLC-2026-',
          'Сальдо конечное 0,00 280,00',
          'На 30.04.2026 задолженность в пользу ООО «Ромашка» составляет 280,00 руб. ' +
            '(Двести восемьдесят рублей 00 копеек).',
        ]),
        expectNoNewEvents(),
      ));

  it('nobody owes: the form says there is no debt', () =>
    spec
      .given(marchClosed)
      .when(reconciliationPdf('rr-anna', '?from=2026-03-01&to=2026-03-31', 'ops'))
      .then(
        expectPdfOfTheReport('rr-anna', '?from=2026-03-01&to=2026-03-31', [
          'Сальдо конечное 0,00 0,00',
          'На 31.03.2026 задолженность отсутствует.',
        ]),
        expectNoNewEvents(),
      ));

  it.each([
    ['from is missing', '?to=2026-03-31', 'from'],
    ['from is not a date', '?from=2026-13-01&to=2026-03-31', 'from'],
    ['to is missing', '?from=2026-03-01', 'to'],
    ['to is a day that does not exist', '?from=2026-03-01&to=2026-04-31', 'to'],
    ['from is after to', '?from=2026-04-01&to=2026-03-31', 'from'],
  ])('400 naming the field when %s, as the JSON route; nothing stored', (_case, query, field) =>
    spec
      .given(marchClosed)
      .when(reconciliationPdf('rr-vektor', query))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(reconciliationPdf('rr-nobody', '?from=2026-03-01&to=2026-03-31'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('401 without an API key', () =>
    spec
      .given(marchClosed)
      .when(reconciliationPdf('rr-vektor', '?from=2026-03-01&to=2026-03-31', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});

/**
 * rr-refund (second provider: act; cards and bank transfers count): in April paid 1 000.00 by bank transfer
 * and 500.00 by card, used 1 220.00 (the act at April's end); on 2 May the 280.00 left — the card's, the
 * bank transfer being spent first — asked back; the gateway answers through its callback on 4 May.
 */
const refundCompleted = once(async (api: TestApi) => {
  await api.advanceTo('2026-04-03T09:00:00.000Z');
  await api.call('POST', '/v1/accounts', {
    ...creditLegal('rr-refund'),
    openedAt: '2026-04-03T12:00:00+03:00',
  });
  await topUp(api, 'rr-refund', 'rf-p1', '1000.00', 'bank-transfer', '2026-04-03T12:00:00+03:00');
  await topUp(api, 'rr-refund', 'rf-p2', '500.00', 'card', '2026-04-03T12:00:00+03:00');
  await api.call(
    'POST',
    '/v1/accounts/rr-refund/usage',
    usage('rf-u1', 'test.unit', '1220', '2026-04-03T12:00:00+03:00'),
  );
  await api.advanceTo('2026-05-02T09:00:00.000Z');
  const asked = await api.call(
    'POST',
    '/v1/accounts/rr-refund/refunds',
    { refundId: 'rf-1', amount: 'all', reason: 'moving out' },
    { role: 'ops' },
  );
  expect(asked.status).toBe(201);
  await api.advanceTo('2026-05-04T09:00:00.000Z');
  const answered = await api.call('POST', '/v1/payment-gateway/refunds/rf-1', {
    accountId: 'rr-refund',
    status: 'succeeded',
  });
  expect(answered.status).toBe(200);
});

describe('a completed refund in the reconciliation report (issue 14)', () => {
  const RANGE = '?from=2026-04-01&to=2026-05-31';

  it('JSON: the money returned is a debit row on the day it completed, and nobody owes anything after it', () =>
    spec
      .given(refundCompleted)
      .when(reconciliation('rr-refund', RANGE))
      .then(
        expectResponse(200, {
          opening: { debit: '0.00', credit: '0.00' },
          turnover: { debit: '1500.00', credit: '1500.00' },
          closingBalance: '0.00',
          owedBy: 'nobody',
          // Only the VAT invoice: both channels count here, so do the refunds to them.
          excluded: [{ reference: NUMBER, reason: 'not-a-services-document' }],
        }),
        (result) =>
          expect(result.body.lines).toEqual([
            expect.objectContaining({ date: '2026-04-03', reference: 'rf-p1', credit: '1000.00' }),
            expect.objectContaining({ date: '2026-04-03', reference: 'rf-p2', credit: '500.00' }),
            expect.objectContaining({ entryType: 'document', date: '2026-04-30', debit: '1220.00' }),
            {
              date: '2026-05-04',
              entryType: 'refund',
              description: 'Refund rf-1/rf-p2 (card)',
              reference: 'rf-1/rf-p2',
              debit: '280.00',
              credit: '0.00',
            },
          ]),
        expectNoNewEvents(),
      ));

  it('the ledger agrees: its balance is zero, the refund completed', () =>
    spec
      .given(refundCompleted)
      .when({ method: 'GET', path: '/v1/accounts/rr-refund', role: 'auditor' })
      .then(expectResponse(200, { balance: expect.stringMatching(/^0(\.0+)?$/) })));

  it('before the gateway answered, the money is still the customer’s advance in the report', () =>
    spec
      .given(refundCompleted)
      .when(reconciliation('rr-refund', '?from=2026-04-01&to=2026-05-03'))
      .then(expectResponse(200, { closingBalance: '-280.00', owedBy: 'provider', owedAmount: '280.00' })));

  it('PDF: the refund row «Возврат денежных средств» with the payment it returns and the channel', () =>
    spec
      .given(refundCompleted)
      .when(reconciliationPdf('rr-refund', RANGE))
      .then(
        expectPdfOfTheReport('rr-refund', RANGE, [
          '04.05.2026 Возврат денежных средств № rf-1 по оплате № rf-p2 (банковская карта) 280,00',
          'Обороты за период 1 500,00 1 500,00',
          'На 31.05.2026 задолженность отсутствует.',
        ]),
        expectNoNewEvents(),
      ));
});
