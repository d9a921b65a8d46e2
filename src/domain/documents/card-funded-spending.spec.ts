import Big from 'big.js';
import type { ServiceTotals } from '../ledger/ledger-events.js';
import { billingReport, type ResourceConsumedData } from './billing-report.js';
import { closingDocumentsFor } from './closing-documents.js';
import type { UpdDocument } from './document-types.js';
import { RU_ISSUER, periodClosed, profile, ruLegal, service, withDocuments } from './documents.fixtures.js';
import { reconcile } from './reconciliation.js';

const VK_PREPAID = 'vk-legal-prepaid'; // UPD status 1; only bank transfers count in documents

/** A service whose spending from the balance came from the given sources. */
const funded = (name: string, parts: Array<[string, string]>, fromGrants = '0'): ServiceTotals => {
  const fromBalance = parts.reduce((sum, [, amount]) => sum.plus(amount), new Big(0));
  return {
    ...service(name, fromBalance.plus(fromGrants).toFixed(), fromGrants),
    fromBalanceBy: parts.map(([source, amount]) => ({ source: source as 'card', amount })),
  };
};

const vkDocuments = (
  byService: ServiceTotals[],
  deposits: string,
  eligible: string,
  basis = profile(VK_PREPAID),
  /** The unspent deposits the close carries out, by source (FIFO). */
  funding?: Array<[string, string]>,
) =>
  closingDocumentsFor({
    closed: periodClosed({
      byService,
      deposits,
      documentEligibleDeposits: eligible,
      ...(funding
        ? {
            carried: {
              ...periodClosed().carried,
              funding: funding.map(([source, amount]) => ({ source: source as 'card', amount })),
            },
          }
        : {}),
    }),
    account: ruLegal({ profileId: VK_PREPAID }),
    issuer: RU_ISSUER,
    profile: basis,
  });

describe('spending paid by card top-ups is left out of legal entities’ documents (§9, seed 000)', () => {
  it('a card top-up of 1 000 with 600 spent: no UPD, and a reconciliation in which nobody owes anything', () => {
    const result = vkDocuments([funded('Compute', [['card', '600']])], '1000', '0');
    expect(result.documents).toEqual([]);
    expect(result.omitted).toEqual([
      { kind: 'upd', reason: 'paid-through-excluded-channels' },
      { kind: 'advance-vat-invoice', reason: 'no-unconfirmed-advance' },
    ]);
    const report = reconcile({
      accountId: 'acc-ru',
      currency: 'RUB',
      from: '2026-03-01',
      to: '2026-03-31',
      openingBalance: '0',
      entries: [
        { type: 'payment', date: '2026-03-05', paymentId: 'card-1', channel: 'card', amount: '1000.00' },
      ],
      eligibleChannels: profile(VK_PREPAID).documents.eligibleChannels,
    });
    expect(report).toMatchObject({ lines: [], closingBalance: '0.00', owedBy: 'nobody', owedAmount: '0.00' });
  });

  it('bank transfer then card, spent across both (FIFO): the UPD holds exactly the bank-funded part', () => {
    // 1 000 by bank transfer, then 500 by card; Compute 1 200 took the bank's 1 000 and 200 of the card's,
    // Storage 150.50 the card's; 149.50 of card money is left.
    const result = vkDocuments(
      [
        funded('Compute', [
          ['bank-transfer', '1000'],
          ['card', '200'],
        ]),
        funded('Block Storage', [['card', '150.5']]),
      ],
      '1500',
      '1000',
      profile(VK_PREPAID),
      [['card', '149.5']],
    );
    const upd = result.documents[0] as UpdDocument;
    expect(result.documents.map((d) => d.kind)).toEqual(['upd']);
    expect(upd.lines.map((l) => [l.service, l.gross])).toEqual([['Compute', '1000.00']]);
    expect(upd.totals).toEqual({ gross: '1000.00', vat: '180.33', net: '819.67' });
    // All the bank money was spent: the 149.50 left is card money, which is no advance in documents.
    expect(result.omitted).toEqual([{ kind: 'advance-vat-invoice', reason: 'no-unconfirmed-advance' }]);
  });

  it('card first, then bank transfer: the unspent bank money is the advance', () => {
    const result = vkDocuments(
      [
        funded('Compute', [
          ['card', '1000'],
          ['bank-transfer', '400'],
        ]),
      ],
      '2000',
      '1000',
    );
    expect(result.documents.map((d) => [d.kind, d.totals.gross])).toEqual([
      ['upd', '400.00'],
      ['advance-vat-invoice', '600.00'],
    ]);
  });

  it('spending below zero (credit) and a balance carried from before tracking count, as they always did', () => {
    const result = vkDocuments(
      [
        funded('Compute', [
          ['card', '100'],
          ['unattributed', '50'],
          ['credit', '25.5'],
        ]),
      ],
      '100',
      '0',
    );
    expect((result.documents[0] as UpdDocument).totals.gross).toBe('75.50');
  });

  it('follows the profile: where cards count, card-funded spending is documented; grants stay apart', () => {
    const cardsCount = withDocuments(VK_PREPAID, { eligibleChannels: ['bank-transfer', 'card'] });
    expect(
      vkDocuments([funded('Compute', [['card', '600']])], '1000', '1000', cardsCount).documents[0]!.totals
        .gross,
    ).toBe('600.00');
    const allConsumption = withDocuments(VK_PREPAID, { actBasis: 'total-consumption' });
    // 300 paid by a grant and 700 by card: on the total-consumption basis only the grant's 300 is documented.
    expect(
      vkDocuments([funded('Compute', [['card', '700']], '300')], '1000', '0', allConsumption).documents[0]!
        .totals.gross,
    ).toBe('300.00');
  });
});

describe('the billing report of a legal entity leaves out what its documents leave out', () => {
  const record = (
    usageRecordId: string,
    fromBalance: string,
    fromBalanceBy?: ResourceConsumedData['fromBalanceBy'],
  ): ResourceConsumedData => ({
    usageRecordId,
    sku: 'compute.vcpu',
    service: 'Compute',
    category: 'compute',
    unit: 'vCPU·h',
    quantity: fromBalance,
    windowStart: '2026-03-10T09:00:00.000Z',
    windowEnd: '2026-03-10T10:00:00.000Z',
    catalogVersion: 'v1',
    amount: fromBalance,
    fromGrants: [],
    fromBalance,
    ...(fromBalanceBy ? { fromBalanceBy } : {}),
    balanceAfter: '0',
  });
  const consumption = [
    record('card-only', '600', [{ source: 'card', amount: '600' }]),
    record('mixed', '300', [
      { source: 'bank-transfer', amount: '100' },
      { source: 'card', amount: '200' },
    ]),
    record('stored-before-tracking', '40'),
  ];
  const request = {
    accountId: 'acc-ru',
    currency: 'RUB' as const,
    timeZone: 'Europe/Moscow',
    from: '2026-03-01',
    to: '2026-03-31',
    consumption,
    resource: 'usage-record' as const,
  };

  it('rows and totals without the card-funded part; a record wholly paid by card is no row; old records count', () => {
    const report = billingReport({ ...request, documentChannels: ['bank-transfer'] });
    expect(report.rows.map((r) => [r.usageRecordId, r.amount, r.fromBalance])).toEqual([
      ['mixed', '100', '100'],
      ['stored-before-tracking', '40', '40'],
    ]);
    expect(report.totals).toEqual({ amount: '140', fromGrants: '0', fromBalance: '140' });
    expect(report.excludedFromDocuments).toBe('800');
  });

  it('without document channels (an individual) the report holds every write-off', () => {
    const report = billingReport(request);
    expect(report.totals).toEqual({ amount: '940', fromGrants: '0', fromBalance: '940' });
    expect(report).not.toHaveProperty('excludedFromDocuments');
  });
});
