import Big from 'big.js';
import fc from 'fast-check';
import type { PaymentChannel } from '../policies/policy-profile.js';
import type { LedgerCommand } from './ledger-commands.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent, LedgerEventOf } from './ledger-events.js';
import { carriedState, evolveLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { IN_MARCH, MARCH, consume, contextFor, eventsOf, periodOpened } from './ledger.fixtures.js';

const VK_LEGAL = 'vk-legal-prepaid';
const AFTER_MARCH = '2026-04-01T00:00:00.000Z';

const topUp = (paymentId: string, amount: string, channel: PaymentChannel): LedgerCommand => ({
  type: 'TopUp',
  paymentId,
  amount,
  channel,
  at: IN_MARCH,
});

/** Decides and applies each command in turn from `events`; returns every event stored and the state. */
function run(profileId: string, events: LedgerEvent[], commands: LedgerCommand[]) {
  const context = contextFor(profileId);
  let state: LedgerState = events.reduce(evolveLedger, initialLedgerState());
  const stored: LedgerEvent[] = [];
  for (const command of commands) {
    const decision = decideLedger(command, state, context);
    if (!decision.ok) continue;
    for (const event of eventsOf(decision)) {
      stored.push(event);
      state = evolveLedger(state, event);
    }
  }
  return { state, stored };
}

const consumed = (stored: LedgerEvent[]) =>
  stored.filter((e): e is LedgerEventOf<'ResourceConsumed'> => e.type === 'ResourceConsumed');
const closedOf = (stored: LedgerEvent[]) =>
  stored.find((e): e is LedgerEventOf<'PeriodClosed'> => e.type === 'PeriodClosed')!.data;
const close: LedgerCommand = { type: 'ClosePeriod', at: AFTER_MARCH, timeZone: 'Europe/Moscow' };

describe('funding source of every charge: deposits first in, first out, by channel (§9)', () => {
  it('a card top-up of 1 000 with 600 spent: the charge and the period say card, 400 of card money is carried', () => {
    const { stored } = run(
      VK_LEGAL,
      [periodOpened({}, VK_LEGAL)],
      [topUp('card-1', '1000', 'card'), consume('u1', 'compute.vcpu', '600'), close],
    );
    expect(consumed(stored)[0]!.data.fromBalanceBy).toEqual([{ source: 'card', amount: '600' }]);
    const closed = closedOf(stored);
    expect(closed.byService).toEqual([
      expect.objectContaining({ fromBalance: '600', fromBalanceBy: [{ source: 'card', amount: '600' }] }),
    ]);
    expect(closed.carried.funding).toEqual([{ source: 'card', amount: '400' }]);
  });

  it('bank transfer then card, spending across both: the oldest deposit first, then below zero as credit', () => {
    const { stored, state } = run(
      VK_LEGAL,
      [periodOpened({}, VK_LEGAL)],
      [
        topUp('bank-1', '1000', 'bank-transfer'),
        topUp('card-1', '500', 'card'),
        consume('u1', 'compute.vcpu', '700'),
        consume('u2', 'compute.vcpu', '500'),
        consume('u3', 'storage.ssd', '150.5'),
        consume('u4', 'storage.ssd', '200'),
      ],
    );
    expect(consumed(stored).map((e) => e.data.fromBalanceBy)).toEqual([
      [{ source: 'bank-transfer', amount: '700' }],
      [
        { source: 'bank-transfer', amount: '300' },
        { source: 'card', amount: '200' },
      ],
      [{ source: 'card', amount: '150.5' }],
      [
        { source: 'card', amount: '149.5' },
        { source: 'credit', amount: '50.5' },
      ],
    ]);
    expect(state.balance.toFixed()).toBe('-50.5');
    // A deposit repays what went below zero first; only the rest waits to be spent.
    const repaid = decideLedger(topUp('bank-2', '100', 'bank-transfer'), state, contextFor(VK_LEGAL));
    const next = eventsOf(repaid).reduce(evolveLedger, state);
    expect(carriedState(next).funding).toEqual([{ source: 'bank-transfer', amount: '49.5' }]);
  });

  it('carries the unspent deposits by channel into the next period, where they are spent first', () => {
    const march = run(
      VK_LEGAL,
      [periodOpened({}, VK_LEGAL)],
      [
        topUp('card-1', '300', 'card'),
        topUp('bank-1', '200', 'bank-transfer'),
        consume('u1', 'compute.vcpu', '100'),
        close,
      ],
    );
    const carried = closedOf(march.stored).carried;
    expect(carried.funding).toEqual([
      { source: 'card', amount: '200' },
      { source: 'bank-transfer', amount: '200' },
    ]);
    const april: LedgerEvent = {
      type: 'PeriodOpened',
      data: {
        accountId: 'acc-1',
        periodId: '2026-04',
        startsAt: MARCH.endsAt,
        endsAt: '2026-04-30T21:00:00.000Z',
        lastDay: '2026-04-30',
        currency: 'RUB',
        profileId: VK_LEGAL,
        profileVersion: 1,
        carried,
      },
    };
    const inApril = run(
      VK_LEGAL,
      [april],
      [consume('u2', 'compute.vcpu', '250', '2026-04-10T09:00:00.000Z')],
    );
    expect(consumed(inApril.stored)[0]!.data.fromBalanceBy).toEqual([
      { source: 'card', amount: '200' },
      { source: 'bank-transfer', amount: '50' },
    ]);
  });

  it('replays a period carried from before tracking: its balance is unattributed and counts as before', () => {
    const legacy = periodOpened({ balance: '500' }, VK_LEGAL); // no `funding` in the carried state
    const { stored } = run(VK_LEGAL, [legacy], [consume('u1', 'compute.vcpu', '200')]);
    expect(consumed(stored)[0]!.data.fromBalanceBy).toEqual([{ source: 'unattributed', amount: '200' }]);
    // A charge stored before tracking (no split) replays too, and counts as unattributed.
    const old: LedgerEvent = {
      type: 'ResourceConsumed',
      data: {
        usageRecordId: 'old',
        sku: 'compute.vcpu',
        service: 'Cloud Compute',
        category: 'compute',
        unit: 'unit',
        quantity: '100',
        windowStart: IN_MARCH,
        windowEnd: IN_MARCH,
        catalogVersion: 'test-1',
        amount: '100',
        fromGrants: [],
        fromBalance: '100',
        balanceAfter: '400',
      },
    };
    const closed = run(VK_LEGAL, [legacy, old], [close]);
    expect(closedOf(closed.stored).byService[0]!.fromBalanceBy).toEqual([
      { source: 'unattributed', amount: '100' },
    ]);
    expect(closedOf(closed.stored).carried.funding).toEqual([{ source: 'unattributed', amount: '400' }]);
  });

  it('per period the funding splits sum to the charges, per charge and per service, and the carried queue to the balance above zero', () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('top-up' as const),
        amount: fc.integer({ min: 10, max: 2_000 }),
        channel: fc.constantFrom<PaymentChannel>('card', 'bank-transfer', 'auto-top-up'),
      }),
      fc.record({
        kind: fc.constant('consume' as const),
        micro: fc.integer({ min: 0, max: 900_000_000 }),
        sku: fc.constantFrom('compute.vcpu', 'storage.ssd'),
      }),
      fc.record({ kind: fc.constant('penalty' as const), amount: fc.integer({ min: 1, max: 300 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 30 }),
        fc.constantFrom(VK_LEGAL, 'vk-legal-postpaid', 'yc-legal-credit'),
        fc.integer({ min: -500, max: 500 }),
        (steps, profileId, opening) => {
          const events: LedgerEvent[] = [
            periodOpened({ balance: String(opening), creditLimit: '100000' }, profileId),
          ];
          let state = events.reduce(evolveLedger, initialLedgerState());
          const context = contextFor(profileId);
          steps.forEach((s, i) => {
            let next: LedgerEvent[];
            if (s.kind === 'penalty') {
              // A penalty lowers the balance without a charge: it takes the oldest money too.
              const balanceAfter = state.balance.minus(s.amount);
              next = [
                {
                  type: 'PenaltyAccrued',
                  data: {
                    day: '2026-03-10',
                    at: IN_MARCH,
                    debt: '0',
                    amount: String(s.amount),
                    totalAccrued: String(s.amount),
                    capReached: false,
                    balanceAfter: balanceAfter.toFixed(),
                  },
                },
              ];
            } else {
              const command =
                s.kind === 'top-up'
                  ? topUp(`p${i}`, String(s.amount), s.channel)
                  : consume(
                      `u${i}`,
                      s.sku,
                      new Big(s.micro).div(1_000_000).toFixed(),
                      `2026-03-1${i % 10}T0${i % 9}:00:00.000Z`,
                    );
              const decision = decideLedger(command, state, context);
              next = decision.ok ? decision.events : [];
            }
            for (const event of next) {
              events.push(event);
              state = evolveLedger(state, event);
            }
          });
          let charged = new Big(0);
          for (const event of events) {
            if (event.type !== 'ResourceConsumed') continue;
            const parts = event.data.fromBalanceBy ?? [];
            const sum = parts.reduce((s, p) => s.plus(p.amount), new Big(0));
            expect(sum.toFixed()).toBe(new Big(event.data.fromBalance).toFixed());
            expect(parts.every((p) => new Big(p.amount).gt('0'))).toBe(true);
            charged = charged.plus(event.data.fromBalance);
          }
          const closing = eventsOf(decideLedger(close, state, context));
          const closed = closedOf(closing);
          let split = new Big(0);
          for (const service of closed.byService) {
            const parts = service.fromBalanceBy ?? [];
            const sum = parts.reduce((s, p) => s.plus(p.amount), new Big(0));
            expect(sum.toFixed()).toBe(new Big(service.fromBalance).toFixed());
            split = split.plus(sum);
          }
          expect(split.toFixed()).toBe(charged.toFixed());
          const queued = (closed.carried.funding ?? []).reduce((s, p) => s.plus(p.amount), new Big(0));
          const above = new Big(closed.closingBalance);
          expect(queued.toFixed()).toBe((above.gt('0') ? above : new Big(0)).toFixed());
          // A replay through JSON, as from the store, rebuilds the same carried queue.
          const replayed = (JSON.parse(JSON.stringify(events)) as LedgerEvent[]).reduce(
            evolveLedger,
            initialLedgerState(),
          );
          expect(carriedState(replayed).funding).toEqual(closed.carried.funding);
        },
      ),
      { numRuns: 150 },
    );
  });
});
