import type { LedgerCommand } from './ledger-commands.js';
import { IN_MARCH, MARCH, consume, deposited, given, grantIssued, periodOpened } from './ledger.fixtures.js';

const topUp = (amount: string): LedgerCommand => ({
  type: 'TopUp',
  paymentId: 'p-new',
  amount,
  channel: 'card',
  at: IN_MARCH,
});
const grant = (overrides: Partial<Extract<LedgerCommand, { type: 'IssueGrant' }>> = {}): LedgerCommand => ({
  type: 'IssueGrant',
  grantId: 'g-new',
  kind: 'promo',
  amount: '100',
  expiresAt: '2026-04-01T00:00:00.000Z',
  categories: 'all',
  excludedCategories: [],
  priority: 0,
  at: IN_MARCH,
  ...overrides,
});
const closed = {
  type: 'PeriodClosed' as const,
  data: {
    periodId: MARCH.periodId,
    closedAt: MARCH.endsAt,
    openingBalance: '0',
    closingBalance: '0',
    deposits: '0',
    documentEligibleDeposits: '0',
    grantsUsed: '0',
    grantsExpired: '0',
    consumption: '0',
    spentFromBalance: '0',
    penalties: '0',
    byService: [],
    carried: {
      balance: '0',
      creditLimit: '0',
      grants: [],
      status: 'active' as const,
      statusSince: IN_MARCH,
      everPaid: false,
      openBills: [],
    },
  },
};

describe('ledger: every rejection, with its code and field, changing nothing', () => {
  const vk = 'vk-individual-prepaid';
  const yc = 'yc-legal-prepaid';
  const credit = 'yc-legal-credit';
  it.each<[string, string, ReturnType<typeof periodOpened>[], LedgerCommand, string, string | undefined]>([
    ['top-up below the minimum', vk, [periodOpened()], topUp('9.99'), 'TOP_UP_BELOW_MINIMUM', 'amount'],
    ['top-up of zero', vk, [periodOpened()], topUp('0'), 'AMOUNT_NOT_POSITIVE', 'amount'],
    ['top-up with an exponent', vk, [periodOpened()], topUp('1e3'), 'INVALID_AMOUNT', 'amount'],
    ['top-up with 7 decimals', vk, [periodOpened()], topUp('10.0000001'), 'INVALID_AMOUNT', 'amount'],
    [
      'payment of a bill that is not open',
      credit,
      [periodOpened({}, credit)],
      { type: 'PayBill', billId: 'b', paymentId: 'q', amount: '1', channel: 'bank-transfer', at: IN_MARCH },
      'BILL_NOT_OPEN',
      'billId',
    ],
    [
      'grant expiring before it is issued',
      yc,
      [periodOpened({}, yc)],
      grant({ expiresAt: '2026-03-01T00:00:00.000Z' }),
      'GRANT_EXPIRY_NOT_AFTER_ISSUE',
      'expiresAt',
    ],
    [
      'grant with a fractional priority',
      yc,
      [periodOpened({}, yc)],
      grant({ priority: 1.5 }),
      'INVALID_PRIORITY',
      'priority',
    ],
    [
      'grant of a negative amount',
      yc,
      [periodOpened({}, yc)],
      grant({ amount: '-1' }),
      'AMOUNT_NOT_POSITIVE',
      'amount',
    ],
    [
      'usage of an unknown SKU',
      vk,
      [periodOpened(), deposited('100')],
      consume('u', 'quantum.qubit', '1'),
      'UNKNOWN_SKU',
      'sku',
    ],
    [
      'usage window ending before it starts',
      vk,
      [periodOpened()],
      { ...consume('u', 'compute.vcpu', '1'), windowStart: '2026-03-11T00:00:00.000Z' } as LedgerCommand,
      'INVALID_WINDOW',
      'windowStart',
    ],
    [
      'usage outside the period',
      vk,
      [periodOpened()],
      consume('u', 'compute.vcpu', '1', '2026-02-28T20:59:59.000Z'),
      'WINDOW_OUTSIDE_PERIOD',
      'windowEnd',
    ],
    [
      'compute while frozen',
      vk,
      [periodOpened({ status: 'frozen', balance: '-1' })],
      consume('u', 'compute.vcpu', '1'),
      'ACCOUNT_FROZEN',
      undefined,
    ],
    [
      'compute while suspended',
      yc,
      [periodOpened({ status: 'suspended', balance: '-1' }, yc)],
      consume('u', 'compute.vcpu', '1'),
      'ACCOUNT_SUSPENDED',
      undefined,
    ],
    [
      'anything while blocked',
      yc,
      [periodOpened({ status: 'blocked', balance: '-1' }, yc)],
      consume('u', 'storage.ssd', '1'),
      'ACCOUNT_BLOCKED',
      undefined,
    ],
    [
      'anything once deleted',
      yc,
      [periodOpened({ status: 'deleted' }, yc)],
      topUp('100'),
      'ACCOUNT_DELETED',
      undefined,
    ],
    [
      'credit limit on a profile without credit',
      yc,
      [periodOpened({}, yc)],
      { type: 'SetCreditLimit', creditLimit: '10', at: IN_MARCH },
      'CREDIT_LIMIT_NOT_ALLOWED',
      'creditLimit',
    ],
    [
      'negative credit limit',
      credit,
      [periodOpened({}, credit)],
      { type: 'SetCreditLimit', creditLimit: '-10', at: IN_MARCH },
      'AMOUNT_NEGATIVE',
      'creditLimit',
    ],
    [
      'closing before the period ends',
      vk,
      [periodOpened()],
      { type: 'ClosePeriod', at: IN_MARCH, timeZone: 'Europe/Moscow' },
      'PERIOD_NOT_ENDED',
      'at',
    ],
    ['a command before the period is opened', vk, [], topUp('100'), 'PERIOD_NOT_OPEN', undefined],
    [
      'a command after the period is closed',
      vk,
      [periodOpened(), closed],
      topUp('100'),
      'PERIOD_CLOSED',
      undefined,
    ],
  ])('%s', (_name, profile, history, command, code, field) => {
    const account = given(profile, ...history);
    const decision = account.when(command);
    expect(decision).toMatchObject({ ok: false, code });
    if (field) expect(decision).toMatchObject({ field });
  });

  it('treats retries as duplicates that store nothing: usage record, grant, credit limit unchanged', () => {
    const account = given(
      'yc-legal-credit',
      periodOpened({ creditLimit: '100' }, 'yc-legal-credit'),
      grantIssued('g1', '10'),
    );
    const recorded = account.when(consume('u1', 'compute.vcpu', '1'));
    if (!recorded.ok) throw new Error('expected the usage to be charged');
    const after = given(
      'yc-legal-credit',
      periodOpened({ creditLimit: '100' }, 'yc-legal-credit'),
      grantIssued('g1', '10'),
      ...recorded.events,
    );
    expect(after.when(consume('u1', 'compute.vcpu', '1'))).toEqual({ ok: true, events: [], duplicate: true });
    expect(after.when(grant({ grantId: 'g1' }))).toEqual({ ok: true, events: [], duplicate: true });
    expect(after.when({ type: 'SetCreditLimit', creditLimit: '100', at: IN_MARCH })).toEqual({
      ok: true,
      events: [],
      duplicate: true,
    });
  });
});
