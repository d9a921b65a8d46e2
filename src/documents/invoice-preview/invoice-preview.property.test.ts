import fc from 'fast-check';
import Big from 'big.js';
import { apiSpecification } from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { postpaidLegal, publicOfferLegal, settle } from '../../../test/support/given-accounts.js';
import { creditLegal, individual, usage } from '../../../test/support/requests.js';
import { DocumentService } from '../document-service.js';

/**
 * The preview is the close, not a second formula: for a random March (top-ups by bank and by card, grants
 * that may expire before the month ends, usage of several SKUs) of a random kind of account, the preview at
 * the period's last instant equals — line by line, totals, the amount to pay — the documents the engine
 * actually issues when March closes, every field but the number, the sequence and the preview marks.
 */
const MARCH_ENDS = Date.parse('2026-03-31T21:00:00.000Z'); // Moscow midnight
const LAST_INSTANT = new Date(MARCH_ENDS - 1).toISOString();
const HOUR = 3_600_000;
const money = (max: number) => fc.integer({ min: 1, max }).map((k) => new Big(k).div(100).toFixed(2));
const step = fc.oneof(
  fc.record({
    kind: fc.constant('top-up' as const),
    amount: money(300_000),
    channel: fc.constantFrom('bank-transfer', 'card'),
  }),
  fc.record({
    kind: fc.constant('grant' as const),
    amount: money(50_000),
    // Some expire before the month ends: the close loses them, and so must the preview.
    expiresInDays: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('use' as const),
    quantity: fc.integer({ min: 1, max: 400_000 }).map((q) => new Big(q).div(1000).toFixed()),
    sku: fc.constantFrom('test.unit', 'compute.vcpu.hour', 'compute.ram.gb.hour'),
  }),
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;
const ACCOUNTS = {
  'legal-prepaid': publicOfferLegal,
  'legal-postpaid': postpaidLegal,
  'legal-credit': creditLegal,
  individual,
} as const;

/** One step every 14 hours from March 2 (at most 40: still in March); answers are not asserted. */
async function play(api: TestApi, accountId: string, steps: readonly Step[]) {
  for (const [i, s] of steps.entries()) {
    const now = Date.parse('2026-03-02T09:00:00.000Z') + i * 14 * HOUR;
    await api.advanceTo(new Date(now).toISOString());
    if (s.kind === 'top-up')
      await api.call('POST', `/v1/accounts/${accountId}/top-ups`, {
        paymentId: `${accountId}-p${i}`,
        amount: s.amount,
        currency: 'RUB',
        channel: s.channel,
      });
    else if (s.kind === 'grant')
      await api.call('POST', `/v1/accounts/${accountId}/grants`, {
        grantId: `${accountId}-g${i}`,
        kind: 'promo',
        amount: s.amount,
        currency: 'RUB',
        ...(s.expiresInDays ? { expiresAt: new Date(now + s.expiresInDays * 24 * HOUR).toISOString() } : {}),
      });
    else
      await api.call(
        'POST',
        `/v1/accounts/${accountId}/usage`,
        usage(`${accountId}-u${i}`, s.sku, s.quantity, new Date(now - 60_000).toISOString()),
      );
  }
}

/** A document as JSON, without what only issuing gives it (number, sequence) or the preview marks. */
function comparable(document: object): Record<string, unknown> {
  const { number: _n, sequence: _s, preview: _p, ...rest } = JSON.parse(JSON.stringify(document));
  return rest;
}

describe('the invoice preview at the period’s last instant is what the close issues (random histories)', () => {
  it('documents line by line, totals and the amount to pay', async () => {
    let run = 0;
    const kindsSeen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(ACCOUNTS) as Array<keyof typeof ACCOUNTS>)),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        async (kind, steps) => {
          const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
          try {
            const api = await spec.api();
            const accountId = `ip-${(run += 1)}`;
            const opened = await api.call('POST', '/v1/accounts', ACCOUNTS[kind](accountId));
            expect(opened.status).toBe(201);
            await play(api, accountId, steps);
            // Every deadline due before the end has fired, so the last instant's state is the close's.
            await api.advanceTo(new Date(MARCH_ENDS - 60_000).toISOString());
            await settle(api);
            const head = await api.store.headPosition();
            const preview = await api.call(
              'GET',
              `/v1/accounts/${accountId}/preview?asOf=${encodeURIComponent(LAST_INSTANT)}`,
            );
            expect(preview.status).toBe(200);
            expect(await api.store.headPosition()).toBe(head);

            await api.advanceTo('2026-04-02T09:00:00.000Z');
            await settle(api);
            const ledger = await api.store.readStream(`ledger-${accountId}@2026-03`);
            const closed = ledger.find((e) => e.type === 'PeriodClosed')!.data as Record<string, string>;
            const periodBill = ledger
              .filter((e) => e.type === 'BillIssued')
              .map((e) => e.data as { kind: string; amount: string })
              .find((bill) => bill.kind === 'period');
            const issued = (await api.app.get(DocumentService).list(accountId)).filter(
              (d) =>
                d.periodId === '2026-03' &&
                !d.documentId.includes('-mid/') &&
                (d.kind !== 'bill' || d.billKind === 'period'),
            );

            expect(preview.body.totals).toEqual({
              openingBalance: closed.openingBalance,
              deposits: closed.deposits,
              consumption: closed.consumption,
              grantsUsed: closed.grantsUsed,
              grantsExpired: closed.grantsExpired,
              penalties: closed.penalties,
              closingBalance: closed.closingBalance,
              outstandingBills: expect.any(String),
              amountToPay: periodBill?.amount ?? '0',
            });
            const previewed = (preview.body.documents as object[]).map(comparable);
            expect(previewed).toEqual(issued.map(comparable));
            for (const d of preview.body.documents) expect(d).toMatchObject({ number: null, preview: true });
            for (const d of issued) kindsSeen.add(d.kind);
          } finally {
            await spec.close();
          }
        },
      ),
      { numRuns: 16, seed: 1402, endOnFailure: true },
    );
    // The histories reached the documents worth comparing (so the equality above was not vacuous).
    expect([...kindsSeen].sort()).toEqual(['act', 'advance-vat-invoice', 'bill', 'upd', 'vat-invoice']);
  }, 600_000);
});
