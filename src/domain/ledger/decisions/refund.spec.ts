import type { PaymentChannel } from '../../policies/policy-profile.js';
import type { LedgerCommand } from '../ledger-commands.js';
import { decideLedger } from '../ledger-decide.js';
import type { CarriedState, LedgerEvent, LedgerEventOf } from '../ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from '../ledger-state.js';
import {
  IN_MARCH,
  MARCH,
  consume,
  contextFor,
  eventsOf,
  grantIssued,
  ledger,
  periodOpened,
} from '../ledger.fixtures.js';
import { refundableNow } from './refund.js';

const PREPAID = 'vk-individual-prepaid';
const CREDIT = 'yc-legal-credit';

const topUp = (paymentId: string, amount: string, channel: PaymentChannel): LedgerCommand => ({
  type: 'TopUp',
  paymentId,
  amount,
  channel,
  at: IN_MARCH,
});
const refund = (refundId: string, amount: string): LedgerCommand => ({
  type: 'RequestRefund',
  refundId,
  amount,
  reason: 'customer request',
  by: 'ops-key',
  at: IN_MARCH,
});
const answer = (
  refundId: string,
  result: Extract<LedgerCommand, { type: 'RecordRefundResult' }>['result'],
  paymentId?: string,
): LedgerCommand => ({
  type: 'RecordRefundResult',
  refundId,
  ...(paymentId === undefined ? {} : { paymentId }),
  result,
  at: IN_MARCH,
});
const failed = { status: 'failed' as const, reason: 'card closed' };
const completed = { status: 'completed' as const };

/** The events the commands decide one after another (each must be accepted), after `start`. */
function history(profileId: string, start: LedgerEvent[], ...commands: LedgerCommand[]): LedgerEvent[] {
  const context = contextFor(profileId);
  const events = [...start];
  let state = events.reduce(evolveLedger, initialLedgerState());
  for (const command of commands) {
    const decided = eventsOf(decideLedger(command, state, context));
    events.push(...decided);
    state = decided.reduce(evolveLedger, state);
  }
  return events;
}
const stateOf = (events: LedgerEvent[]): LedgerState => events.reduce(evolveLedger, initialLedgerState());

/** Card 100, bank transfer 200, card 300; 50 consumed (from the first card payment). */
const threeDeposits = history(
  PREPAID,
  [periodOpened()],
  topUp('p1', '100', 'card'),
  topUp('p2', '200', 'bank-transfer'),
  topUp('p3', '300', 'card'),
  consume('u1', 'compute.vm', '50'),
);

const requested = (
  refundId: string,
  amount: string,
  parts: Array<[string, PaymentChannel, string]>,
  balanceAfter: string,
): LedgerEventOf<'RefundRequested'> => ({
  type: 'RefundRequested',
  data: {
    refundId,
    amount,
    currency: 'RUB',
    parts: parts.map(([paymentId, channel, partAmount]) => ({ paymentId, channel, amount: partAmount })),
    reason: 'customer request',
    by: 'ops-key',
    at: IN_MARCH,
    balanceAfter,
  },
});

describe('RequestRefund', () => {
  it('takes the oldest unspent deposits first, across channels, down to the amount', () => {
    ledger(PREPAID)
      .given(threeDeposits)
      .when(refund('r1', '300'))
      .then([
        requested(
          'r1',
          '300',
          [
            ['p1', 'card', '50'],
            ['p2', 'bank-transfer', '200'],
            ['p3', 'card', '50'],
          ],
          '250',
        ),
      ]);
  });

  it('a partial refund takes part of the oldest deposit only; the money is off the balance at once', () => {
    const events = history(PREPAID, threeDeposits, refund('r1', '20.50'));
    expect(events.at(-1)).toEqual(requested('r1', '20.5', [['p1', 'card', '20.5']], '529.5'));
    const state = stateOf(events);
    expect(state.balance.toFixed()).toBe('529.5');
    expect(refundableNow(state).toFixed()).toBe('529.5');
    // The funding queue (documents) loses the same money as the deposit queue (refunds).
    expect(state.funding.map((p) => [p.source, p.amount.toFixed()])).toEqual([
      ['card', '29.5'],
      ['bank-transfer', '200'],
      ['card', '300'],
    ]);
  });

  it('"all" refunds everything refundable; the next charge then goes below zero (credit)', () => {
    const events = history(PREPAID, threeDeposits, refund('r1', 'all'));
    expect(events.at(-1)).toEqual(
      requested(
        'r1',
        '550',
        [
          ['p1', 'card', '50'],
          ['p2', 'bank-transfer', '200'],
          ['p3', 'card', '300'],
        ],
        '0',
      ),
    );
    const state = stateOf(events);
    expect(state.funding).toEqual([]);
    expect(state.unspentDeposits).toEqual([]);
    ledger(PREPAID).given(events).when(refund('r2', '1')).rejects('NOTHING_TO_REFUND', 'amount');
  });

  it('refuses more than the unspent paid money (REFUND_EXCEEDS_REFUNDABLE); nothing stored', () => {
    ledger(PREPAID).given(threeDeposits).when(refund('r1', '550.01')).rejects('REFUND_EXCEEDS_REFUNDABLE', {
      field: 'amount',
      message: 'amount 550.01 exceeds the refundable 550 RUB',
    });
  });

  it('never refunds grants: only the paid money, and nothing when only grants are left', () => {
    const withGrant = history(
      PREPAID,
      [periodOpened(), grantIssued('g1', '1000')],
      topUp('p1', '100', 'card'),
    );
    ledger(PREPAID)
      .given(withGrant)
      .when(refund('r1', 'all'))
      .then([requested('r1', '100', [['p1', 'card', '100']], '0')]);
    ledger(PREPAID)
      .given(withGrant)
      .when(refund('r1', '100.01'))
      .rejects('REFUND_EXCEEDS_REFUNDABLE', 'amount');
    ledger(PREPAID)
      .given([periodOpened(), grantIssued('g1', '1000')])
      .when(refund('r1', 'all'))
      .rejects('NOTHING_TO_REFUND', 'amount');
  });

  it('money given by the provider (channel internal) is no payment to return', () => {
    ledger(PREPAID)
      .given(history(PREPAID, [periodOpened()], topUp('gift', '100', 'internal'), topUp('p1', '10', 'card')))
      .when(refund('r1', 'all'))
      .then([requested('r1', '10', [['p1', 'card', '10']], '100')]);
  });

  it('refuses while the balance is below zero, or while a bill is not paid', () => {
    const inDebt = history(
      CREDIT,
      [periodOpened({ creditLimit: '1000' }, CREDIT)],
      topUp('p1', '100', 'bank-transfer'),
      consume('u1', 'compute.vm', '150'),
    );
    ledger(CREDIT).given(inDebt).when(refund('r1', 'all')).rejects('REFUND_WHILE_IN_DEBT', 'amount');
    const billOpen: LedgerEvent = {
      type: 'BillIssued',
      data: {
        billId: 'b1',
        kind: 'period',
        amount: '40',
        paid: '0',
        issuedOn: '2026-03-01',
        dueDate: '2026-03-14',
        reason: 'period closed with an amount to pay',
      },
    };
    const paidButBilled = history(
      CREDIT,
      [periodOpened({ creditLimit: '1000' }, CREDIT), billOpen],
      topUp('p1', '30', 'bank-transfer'),
    );
    expect(stateOf(paidButBilled).balance.toFixed()).toBe('30');
    ledger(CREDIT)
      .given([...paidButBilled.slice(0, 1), ...paidButBilled.slice(2), billOpen])
      .when(refund('r1', '10'))
      .rejects('REFUND_WHILE_BILLS_OPEN', 'amount');
  });

  it('the same refund id again stores nothing; with another amount it is refused', () => {
    const events = history(PREPAID, threeDeposits, refund('r1', '100'));
    ledger(PREPAID).given(events).when(refund('r1', '100.00')).thenNothing();
    ledger(PREPAID).given(events).when(refund('r1', 'all')).thenNothing();
    ledger(PREPAID).given(events).when(refund('r1', '99')).rejects('REFUND_ID_REUSED', 'refundId');
  });

  it('amounts: at most 2 decimals, above zero', () => {
    ledger(PREPAID).given(threeDeposits).when(refund('r1', '1.005')).rejects('INVALID_AMOUNT', 'amount');
    ledger(PREPAID).given(threeDeposits).when(refund('r1', '0')).rejects('AMOUNT_NOT_POSITIVE', 'amount');
    ledger(PREPAID).given(threeDeposits).when(refund('r1', 'lots')).rejects('INVALID_AMOUNT', 'amount');
  });

  it('a balance carried from before deposits were tracked has no known payment: nothing to refund', () => {
    ledger(PREPAID)
      .given([periodOpened({ balance: '500', everPaid: true })])
      .when(refund('r1', 'all'))
      .rejects('NOTHING_TO_REFUND', 'amount');
    // Its money is spent first (it is the oldest); the tracked deposit after it stays refundable.
    ledger(PREPAID)
      .given(
        history(
          PREPAID,
          [periodOpened({ balance: '500', everPaid: true })],
          topUp('p1', '100', 'card'),
          consume('u1', 'compute.vm', '520'),
        ),
      )
      .when(refund('r1', 'all'))
      .then([requested('r1', '80', [['p1', 'card', '80']], '0')]);
  });
});

describe('RecordRefundResult', () => {
  const asked = history(PREPAID, threeDeposits, refund('r1', '300'));

  it('completion of every pending part, then of nothing more (the same answer stores nothing)', () => {
    ledger(PREPAID)
      .given(asked)
      .when(answer('r1', { status: 'completed', gatewayReference: 'gw-1' }))
      .then([{ type: 'RefundCompleted', data: { refundId: 'r1', gatewayReference: 'gw-1', at: IN_MARCH } }]);
    const done = history(PREPAID, asked, answer('r1', completed));
    ledger(PREPAID).given(done).when(answer('r1', completed)).thenNothing();
    ledger(PREPAID).given(done).when(answer('r1', failed)).rejects('REFUND_ALREADY_SETTLED', 'status');
  });

  it('a failure gives the money back to the balance and the funding exactly as it was taken', () => {
    const before = stateOf(threeDeposits);
    ledger(PREPAID)
      .given(asked)
      .when(answer('r1', failed))
      .then([
        {
          type: 'RefundFailed',
          data: { refundId: 'r1', reason: 'card closed', at: IN_MARCH, amount: '300', balanceAfter: '550' },
        },
      ]);
    const after = stateOf(history(PREPAID, asked, answer('r1', failed)));
    expect(after.balance.toFixed()).toBe(before.balance.toFixed());
    expect(after.unspentDeposits).toEqual(before.unspentDeposits);
    expect(after.funding).toEqual(before.funding);
    // The same money can be refunded again, by the same parts.
    ledger(PREPAID)
      .given(history(PREPAID, asked, answer('r1', failed)))
      .when(refund('r2', '300'))
      .then([
        requested(
          'r2',
          '300',
          [
            ['p1', 'card', '50'],
            ['p2', 'bank-transfer', '200'],
            ['p3', 'card', '50'],
          ],
          '250',
        ),
      ]);
  });

  it('parts are answered one by one: one fails (its money back), the others complete', () => {
    const events = history(PREPAID, asked, answer('r1', completed, 'p1'), answer('r1', failed, 'p2'));
    expect(events.slice(-2)).toEqual([
      { type: 'RefundCompleted', data: { refundId: 'r1', paymentId: 'p1', at: IN_MARCH } },
      {
        type: 'RefundFailed',
        data: {
          refundId: 'r1',
          paymentId: 'p2',
          reason: 'card closed',
          at: IN_MARCH,
          amount: '200',
          balanceAfter: '450',
        },
      },
    ]);
    const state = stateOf(events);
    expect(state.refunds.get('r1')!.parts.map((p) => p.outcome)).toEqual(['completed', 'failed', 'pending']);
    expect(refundableNow(state).toFixed()).toBe('450');
    ledger(PREPAID)
      .given(events)
      .when(answer('r1', completed))
      .then([{ type: 'RefundCompleted', data: { refundId: 'r1', at: IN_MARCH } }]);
  });

  it('a failure while the balance went below zero meanwhile repays that first', () => {
    const spentAfter = history(
      CREDIT,
      [periodOpened({ creditLimit: '1000' }, CREDIT)],
      topUp('p1', '100', 'card'),
    );
    const events = history(CREDIT, spentAfter, refund('r1', '100'), consume('u1', 'compute.vm', '30'));
    expect(stateOf(events).balance.toFixed()).toBe('-30');
    const after = stateOf(history(CREDIT, events, answer('r1', failed)));
    expect(after.balance.toFixed()).toBe('70');
    expect(after.unspentDeposits.map((d) => [d.paymentId, d.amount.toFixed()])).toEqual([['p1', '70']]);
  });

  it('unknown refunds and parts are refused', () => {
    ledger(PREPAID).given(asked).when(answer('nope', completed)).rejects('REFUND_NOT_FOUND', 'refundId');
    ledger(PREPAID)
      .given(asked)
      .when(answer('r1', completed, 'p9'))
      .rejects('REFUND_PART_NOT_FOUND', 'paymentId');
  });
});

describe('refunds across a period close', () => {
  const APRIL = {
    periodId: '2026-04',
    startsAt: '2026-03-31T21:00:00.000Z',
    endsAt: '2026-04-30T21:00:00.000Z',
    lastDay: '2026-04-30',
  };
  const close: LedgerCommand = { type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' };
  const reopened = (carried: CarriedState): LedgerEvent => ({
    type: 'PeriodOpened',
    data: { accountId: 'acc-1', ...APRIL, currency: 'RUB', profileId: PREPAID, profileVersion: 1, carried },
  });
  const carriedBy = (events: LedgerEvent[]) => (events.at(-1) as LedgerEventOf<'PeriodClosed'>).data.carried;

  it('a refund in flight is carried: answered next period; its id is recognised for good once settled', () => {
    const march = history(PREPAID, threeDeposits, refund('r1', '300'), close);
    const carried = carriedBy(march);
    expect(carried.refunds?.inFlight.map((r) => r.refundId)).toEqual(['r1']);
    expect(carried.deposits).toEqual([{ paymentId: 'p3', source: 'card', amount: '250' }]);
    const april = [reopened(carried)];
    ledger(PREPAID).given(april).when(refund('r1', '300')).thenNothing();
    expect(refundableNow(stateOf(april)).toFixed()).toBe('250');
    const failedInApril = history(PREPAID, april, answer('r1', failed, 'p2'));
    expect(stateOf(failedInApril).unspentDeposits.map((d) => [d.paymentId, d.amount.toFixed()])).toEqual([
      ['p2', '200'],
      ['p3', '250'],
    ]);
    const settled = history(PREPAID, failedInApril, answer('r1', completed), {
      ...close,
      at: APRIL.endsAt,
    });
    const may = carriedBy(settled);
    expect(may.refunds).toEqual({ inFlight: [], settledIds: ['r1'] });
    ledger(PREPAID)
      .given([reopened(may)])
      .when(refund('r1', '300'))
      .thenNothing();
    ledger(PREPAID)
      .given([reopened(may)])
      .when(answer('r1', completed))
      .thenNothing();
  });

  it('a period that opens again from its carried state has the same refundable deposits', () => {
    const march = history(PREPAID, threeDeposits, refund('r1', '120'), close);
    const before = stateOf(march.slice(0, -1));
    const after = stateOf([reopened(carriedBy(march))]);
    expect(after.unspentDeposits).toEqual(before.unspentDeposits);
    expect(after.funding).toEqual(before.funding);
    expect(after.refunds.get('r1')).toEqual(before.refunds.get('r1'));
  });
});
