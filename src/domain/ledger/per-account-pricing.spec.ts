import Big from 'big.js';
import type { LedgerCommand, LedgerContext } from './ledger-commands.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent, LedgerEventOf } from './ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { MARCH, consume, contextFor, deposited, eventsOf, periodOpened } from './ledger.fixtures.js';
import {
  COMMITMENT_SHORTFALL_SERVICE,
  discountedAmount,
  pricingApplied,
  type AccountPricing,
  type CommitmentTerms,
  type DiscountTerms,
} from '../pricing/account-pricing.js';

/** The ledger fixtures' flat test prices: 1 RUB per unit; compute.* is 'compute', storage.* 'storage'. */
const VK = 'vk-individual-prepaid';
const AT_10 = '2026-03-10T09:00:00.000Z';
const AT_20 = '2026-03-20T09:00:00.000Z';

const discount = (overrides: Partial<DiscountTerms> = {}): DiscountTerms => ({
  discountId: 'd-sku',
  sku: 'compute.vcpu',
  percent: '10',
  effectiveFrom: '2026-03-15T00:00:00.000Z',
  ...overrides,
});

const commitment = (overrides: Partial<CommitmentTerms> = {}): CommitmentTerms => ({
  commitmentId: 'c1',
  amount: '100.00',
  currency: 'RUB',
  skus: [],
  categories: ['storage'],
  discountPercent: '20',
  effectiveFrom: MARCH.startsAt,
  months: 2,
  firstPeriodId: '2026-03',
  lastPeriodId: '2026-04',
  effectiveUntil: '2026-04-30T21:00:00.000Z',
  ...overrides,
});

const priced = (accountPricing: AccountPricing, profileId = VK): LedgerContext => ({
  ...contextFor(profileId),
  accountPricing,
});

/** Runs commands from a funded March; returns the events and the state. */
function run(commands: LedgerCommand[], context: LedgerContext, opening: LedgerEvent[] = []) {
  let state: LedgerState = [periodOpened({}, context.profile.id), deposited('1000'), ...opening].reduce(
    evolveLedger,
    initialLedgerState(),
  );
  const events: LedgerEvent[] = [];
  for (const command of commands) {
    for (const event of eventsOf(decideLedger(command, state, context))) {
      events.push(event);
      state = evolveLedger(state, event);
    }
  }
  return { events, state };
}

const consumed = (events: LedgerEvent[]) =>
  events
    .filter((e): e is LedgerEventOf<'ResourceConsumed'> => e.type === 'ResourceConsumed')
    .map((e) => e.data);

describe('rating with per-account pricing', () => {
  it('discounts the rated amount before hourly rounding, with big.js: 3.333 at 12.5 % off', () => {
    expect(discountedAmount('3.333000', '12.5')).toBe('2.916375');
    expect(discountedAmount('0.000001', '50')).toBe('0.000001'); // half-up at the 6th decimal
    expect(discountedAmount('7.000000', '100')).toBe('0.000000');
  });

  it('no pricing, or none that applies: exactly the events of today', () => {
    const usage = [consume('u1', 'compute.vcpu', '3.5', AT_20), consume('u2', 'storage.ssd', '2', AT_20)];
    const today = run(usage, contextFor(VK)).events;
    expect(run(usage, priced({ discounts: [], commitments: [] })).events).toEqual(today);
    const elsewhere = priced({ discounts: [discount({ sku: 'gpu.a100' })], commitments: [] });
    expect(run(usage, elsewhere).events).toEqual(today);
    expect(consumed(today)[0]).not.toHaveProperty('listAmount');
  });

  it('applies a discount from its effective instant on, not before (and not after its end)', () => {
    const context = priced({
      discounts: [discount({ effectiveUntil: '2026-03-25T00:00:00.000Z' })],
      commitments: [],
    });
    const { events } = run(
      [
        consume('before', 'compute.vcpu', '10', AT_10),
        consume('at', 'compute.vcpu', '10', '2026-03-15T00:00:00.000Z'),
        consume('after', 'compute.vcpu', '10', AT_20),
        consume('ended', 'compute.vcpu', '10', '2026-03-25T00:00:00.000Z'),
      ],
      context,
    );
    expect(consumed(events).map((d) => [d.usageRecordId, d.amount, d.discountId])).toEqual([
      ['before', '10', undefined],
      ['at', '9', 'd-sku'],
      ['after', '9', 'd-sku'],
      ['ended', '10', undefined],
    ]);
    expect(consumed(events)[1]).toEqual(
      expect.objectContaining({ listAmount: '10.000000', ratedAmount: '9.000000', discountPercent: '10' }),
    );
  });

  it('a SKU discount beats a category discount: no stacking', () => {
    const context = priced({
      discounts: [
        discount({ discountId: 'd-cat', sku: undefined, category: 'compute', percent: '50' }),
        discount(),
      ],
      commitments: [],
    });
    const { events } = run(
      [consume('vcpu', 'compute.vcpu', '10', AT_20), consume('ram', 'compute.ram', '10', AT_20)],
      context,
    );
    expect(consumed(events).map((d) => [d.sku, d.amount, d.discountId])).toEqual([
      ['compute.vcpu', '9', 'd-sku'],
      ['compute.ram', '5', 'd-cat'],
    ]);
  });

  it('usage a commitment covers is rated at its rate, whatever discount applies too', () => {
    const pricing = {
      discounts: [discount({ sku: 'storage.ssd', percent: '50' })],
      commitments: [commitment()],
    };
    expect(pricingApplied(pricing, { sku: 'storage.ssd', category: 'storage', at: AT_20 })).toEqual({
      commitmentId: 'c1',
      percent: '20',
    });
    const { events, state } = run([consume('s', 'storage.ssd', '10', AT_20)], priced(pricing));
    expect(consumed(events)[0]).toEqual(
      expect.objectContaining({
        amount: '8',
        commitmentId: 'c1',
        discountPercent: '20',
        listAmount: '10.000000',
      }),
    );
    expect(state.committedSpend?.get('c1')?.toFixed()).toBe('8');
  });

  it('keeps the hourly rounding on the discounted amounts (VK: a sub-kopeck hour costs 0.01)', () => {
    const context = priced({ discounts: [discount({ percent: '50' })], commitments: [] });
    const { events } = run(
      [consume('a', 'compute.vcpu', '0.004', AT_20), consume('b', 'compute.vcpu', '0.004', AT_20)],
      context,
    );
    expect(consumed(events).map((d) => [d.ratedAmount, d.amount])).toEqual([
      ['0.002000', '0.01'],
      ['0.002000', '0'],
    ]);
  });
});

describe('committed use at the close', () => {
  const close: LedgerCommand = { type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' };
  const usage = (quantity: string) => consume('s', 'storage.ssd', quantity, AT_20);
  const shortfalls = (events: LedgerEvent[]) =>
    events
      .filter(
        (e): e is LedgerEventOf<'CommitmentShortfallCharged'> => e.type === 'CommitmentShortfallCharged',
      )
      .map((e) => e.data);
  const closed = (events: LedgerEvent[]) =>
    events.find((e): e is LedgerEventOf<'PeriodClosed'> => e.type === 'PeriodClosed')!.data;

  it('charges the shortfall when covered spend (discounted) is below the commitment', () => {
    // 100 units at 1.00 less 20 % = 80 covered spend; 20 short of 100.
    const { events, state } = run(
      [usage('100'), close],
      priced({ discounts: [], commitments: [commitment()] }),
    );
    expect(shortfalls(events)).toEqual([
      {
        commitmentId: 'c1',
        periodId: '2026-03',
        committed: '100.00',
        used: '80',
        shortfall: '20',
        fromBalanceBy: [{ source: 'card', amount: '20' }],
        balanceAfter: '900',
        at: MARCH.endsAt,
      },
    ]);
    const totals = closed(events);
    expect(totals.consumption).toBe('100');
    expect(totals.closingBalance).toBe('900');
    expect(totals.byService).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          service: COMMITMENT_SHORTFALL_SERVICE,
          category: 'committed-use',
          consumption: '20',
          fromBalance: '20',
          fromGrants: '0',
        }),
      ]),
    );
    // the shortfall is its own service line, not a SKU line
    expect(totals.bySku?.map((s) => s.service)).not.toContain(COMMITMENT_SHORTFALL_SERVICE);
    expect(state.balance.toFixed()).toBe('900');
  });

  it('charges the whole commitment when nothing covered was used', () => {
    const { events } = run([close], priced({ discounts: [], commitments: [commitment()] }));
    expect(shortfalls(events)).toEqual([expect.objectContaining({ used: '0', shortfall: '100' })]);
  });

  it('charges nothing when covered spend is exactly at or above the commitment', () => {
    const pricing = priced({ discounts: [], commitments: [commitment()] });
    expect(shortfalls(run([usage('125'), close], pricing).events)).toEqual([]); // 125 × 0.8 = 100
    expect(shortfalls(run([usage('200'), close], pricing).events)).toEqual([]);
  });

  it('only usage the commitment covers counts towards it', () => {
    const pricing = priced({ discounts: [], commitments: [commitment()] });
    const { events } = run([usage('50'), consume('c', 'compute.vcpu', '500', AT_20), close], pricing);
    expect(shortfalls(events)).toEqual([expect.objectContaining({ used: '40', shortfall: '60' })]);
  });

  it('charges nothing once the term is over, nor before it begins', () => {
    const ended = commitment({
      firstPeriodId: '2026-01',
      lastPeriodId: '2026-02',
      effectiveFrom: '2025-12-31T21:00:00.000Z',
      effectiveUntil: MARCH.startsAt,
    });
    expect(shortfalls(run([close], priced({ discounts: [], commitments: [ended] })).events)).toEqual([]);
    const ahead = commitment({
      firstPeriodId: '2026-04',
      lastPeriodId: '2026-05',
      effectiveFrom: MARCH.endsAt,
      effectiveUntil: '2026-05-31T21:00:00.000Z',
    });
    const { events } = run([usage('10'), close], priced({ discounts: [], commitments: [ahead] }));
    expect(shortfalls(events)).toEqual([]);
    expect(consumed(events)[0]).not.toHaveProperty('commitmentId');
  });

  it('a credit-limit account is billed the shortfall at the close with the rest', () => {
    const context = priced({ discounts: [], commitments: [commitment()] }, 'yc-legal-credit');
    let state: LedgerState = [periodOpened({ creditLimit: '1000' }, 'yc-legal-credit')].reduce(
      evolveLedger,
      initialLedgerState(),
    );
    const events: LedgerEvent[] = [];
    for (const command of [usage('50'), close]) {
      for (const event of eventsOf(decideLedger(command, state, context))) {
        events.push(event);
        state = evolveLedger(state, event);
      }
    }
    const bill = events.find((e): e is LedgerEventOf<'BillIssued'> => e.type === 'BillIssued')!;
    // 50 × 0.8 = 40 used, 60 short: the bill asks for 100.
    expect(new Big(bill.data.amount).toFixed(2)).toBe('100.00');
  });
});
