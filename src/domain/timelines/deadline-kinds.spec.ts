import Big from 'big.js';
import { nextDeadlines } from '../ledger/account-outlook.js';
import type { LedgerEvent } from '../ledger/ledger-events.js';
import { initialLedgerState, type LedgerState } from '../ledger/ledger-state.js';
import { BUILT_IN_PROFILES } from '../policies/profiles.js';
import { DEADLINE_KINDS, isDeadlineKind } from './deadline-kinds.js';
import { deadlinesFor, type Deadline } from './deadline-plan.js';

const profile = (id: string) => BUILT_IN_PROFILES.find((p) => p.id === id)!;
const AT = '2026-03-10T09:00:00.000Z';

/** Each planned deadline as `kind <- what fires`, in plan order. */
function planned(profileId: string, event: LedgerEvent): string[] {
  const account = { accountId: 'acc', timeZone: 'Europe/Moscow', profile: profile(profileId) };
  return deadlinesFor(event, account, 'event-1').map((d: Deadline) => {
    const fires = d.action.kind === 'ledger' ? d.action.command.type : d.action.kind;
    return `${d.kind} <- ${fires}`;
  });
}

describe('one deadline vocabulary', () => {
  it('every kind is listed once', () => {
    expect(new Set(DEADLINE_KINDS).size).toBe(DEADLINE_KINDS.length);
    expect(DEADLINE_KINDS).toEqual(expect.arrayContaining(['period-close', 'bill-due', 'delete-account']));
    expect(isDeadlineKind('block')).toBe(false);
  });

  it.each<[string, string, LedgerEvent, string[]]>([
    [
      'a period opening: its close',
      'vk-individual-prepaid',
      {
        type: 'PeriodOpened',
        data: {
          accountId: 'acc',
          periodId: '2026-03',
          startsAt: '2026-02-28T21:00:00.000Z',
          endsAt: '2026-03-31T21:00:00.000Z',
          lastDay: '2026-03-31',
          currency: 'RUB',
          profileId: 'vk-individual-prepaid',
          profileVersion: 1,
          carried: {
            balance: '0',
            creditLimit: '0',
            grants: [],
            status: 'active',
            statusSince: AT,
            everPaid: false,
            openBills: [],
          },
        },
      },
      ['period-close <- close-period'],
    ],
    [
      'a grant: its expiry',
      'vk-individual-prepaid',
      {
        type: 'GrantIssued',
        data: {
          grantId: 'g',
          kind: 'start',
          amount: '10',
          remaining: '10',
          issuedAt: AT,
          expiresAt: '2026-05-01T00:00:00.000Z',
          categories: 'all',
          excludedCategories: [],
          priority: 0,
        },
      },
      ['grant-expiry <- ExpireGrants'],
    ],
    [
      'funds exhausted: notices, then the suspension',
      'yc-legal-prepaid',
      {
        type: 'PaymentRequired',
        data: { availableFunds: '0', at: AT, suspendAt: '2026-03-17T09:00:00.000Z' },
      },
      [
        'suspension-notice <- SendSuspensionNotice',
        'suspension-notice <- SendSuspensionNotice',
        'suspension-notice <- SendSuspensionNotice',
        'suspend <- SuspendIfUnpaid',
      ],
    ],
    [
      'a bill that suspends when overdue: notices, then the suspension',
      'yc-legal-credit',
      {
        type: 'BillIssued',
        data: {
          billId: 'b-1',
          kind: 'mid-period',
          amount: '100',
          paid: '0',
          issuedOn: '2026-03-10',
          dueDate: '2026-03-12',
          reason: 'credit limit reached',
        },
      },
      [
        'suspension-notice <- SendSuspensionNotice',
        'suspension-notice <- SendSuspensionNotice',
        'suspension-notice <- SendSuspensionNotice',
        'suspend <- SuspendIfBillOverdue',
      ],
    ],
    [
      'a suspension: the account’s deletion, and the first penalty',
      'yc-legal-prepaid',
      {
        type: 'AccountSuspended',
        data: { at: AT, reason: 'funds-exhausted', debt: '10', deleteAt: '2026-05-09T09:00:00.000Z' },
      },
      ['delete-account <- BlockIfStillSuspended', 'penalty <- AccruePenalty'],
    ],
    [
      'a penalty: the next one',
      'yc-legal-prepaid',
      {
        type: 'PenaltyAccrued',
        data: {
          day: '2026-03-11',
          at: AT,
          debt: '10',
          amount: '0.01',
          totalAccrued: '0.01',
          capReached: false,
          balanceAfter: '-10.01',
        },
      },
      ['penalty <- AccruePenalty'],
    ],
    [
      'a freeze: frozen objects queued, object storage blocked, then deleted',
      'vk-individual-prepaid',
      {
        type: 'AccountFrozen',
        data: { balance: '-1', at: AT, deleteObjectsAt: '2026-03-17T09:00:00.000Z', everPaid: true },
      },
      [
        'delete-frozen-objects <- QueueFrozenObjects',
        'block-object-storage <- BlockObjectStorage',
        'delete-object-storage <- DeleteObjectStorage',
      ],
    ],
    [
      'a block: the account’s data deleted',
      'yc-legal-prepaid',
      { type: 'AccountBlocked', data: { at: AT, suspendedAt: '2026-03-01T09:00:00.000Z' } },
      ['delete-account <- delete-account'],
    ],
    [
      'a top-up bill: asks for an advance, not a debt — no notice, no suspension, no penalty',
      'yc-legal-credit',
      {
        type: 'TopUpBillIssued',
        data: { billId: 'tb', amount: '5000', issuedOn: '2026-03-10', dueDate: '2026-03-24', at: AT },
      },
      [],
    ],
  ])('the planner names every deadline it plans: %s', (_what, profileId, event, expected) => {
    expect(planned(profileId, event)).toEqual(expected);
  });

  it('the summary’s next deadlines speak the same vocabulary', () => {
    const state: LedgerState = {
      ...initialLedgerState(),
      periodId: '2026-03',
      endsAt: '2026-03-31T21:00:00.000Z',
      status: 'suspended',
      balance: new Big('-10'),
      openBills: new Map([
        [
          'b-1',
          {
            billId: 'b-1',
            kind: 'period',
            amount: '10',
            paid: '0',
            issuedOn: '2026-03-01',
            dueDate: '2026-03-14',
          },
        ],
      ]),
      freeze: {
        since: AT,
        deleteObjectsAt: '2026-03-17T09:00:00.000Z',
        objectStorage: 'read-only',
        objectsQueued: false,
      },
      suspension: {
        suspendedAt: AT,
        deleteAt: '2026-05-09T09:00:00.000Z',
        reason: 'bill-overdue',
        noticesSent: [],
        penaltiesAccrued: '0',
      },
    };
    const kinds = nextDeadlines(state).map((d) => d.kind);
    expect(kinds).toEqual(['bill-due', 'delete-frozen-objects', 'period-close', 'delete-account']);
    expect(kinds.filter((kind) => !isDeadlineKind(kind))).toEqual([]);
  });
});

describe('due times are UTC instants', () => {
  it('a grant expiring at an offset time is due at that instant spelled in UTC (the scheduler compares strings)', () => {
    const account = {
      accountId: 'acc',
      timeZone: 'Europe/Moscow',
      profile: profile('yc-legal-prepaid'),
    };
    const [expiry] = deadlinesFor(
      {
        type: 'GrantIssued',
        data: {
          grantId: 'g',
          kind: 'start',
          amount: '10',
          remaining: '10',
          issuedAt: AT,
          expiresAt: '2026-04-01T00:30:00+03:00',
          categories: 'all',
          excludedCategories: [],
          priority: 0,
        },
      },
      account,
      'event-1',
    );
    expect(expiry).toMatchObject({ kind: 'grant-expiry', dueAt: '2026-03-31T21:30:00.000Z' });
  });
});

describe('suspension notices: only those still ahead when the date becomes known', () => {
  const account = { accountId: 'acc', timeZone: 'Europe/Moscow', profile: profile('yc-legal-credit') };
  const midPeriodBill: LedgerEvent = {
    type: 'BillIssued',
    data: {
      billId: 'b',
      kind: 'mid-period',
      amount: '1200',
      paid: '0',
      issuedOn: '2026-03-05',
      dueDate: '2026-03-07',
      reason: 'credit limit exhausted',
    },
  };
  const notices = (knownAt?: string) =>
    deadlinesFor(midPeriodBill, account, 'event-1', knownAt)
      .filter((d) => d.kind === 'suspension-notice')
      .map((d) => [d.dueAt, d.action.kind === 'ledger' && d.action.command]);

  it('a bill issued 2.5 days before its suspension: one notice at once (the 3-day one), then the one on the day', () => {
    // Suspension the day after the due date, at Moscow midnight: 2026-03-07T21:00Z.
    expect(notices('2026-03-05T09:00:00.000Z')).toEqual([
      [
        '2026-03-05T09:00:00.000Z',
        {
          type: 'SendSuspensionNotice',
          suspendAt: '2026-03-07T21:00:00.000Z',
          daysBefore: 3,
          at: '2026-03-05T09:00:00.000Z',
        },
      ],
      [
        '2026-03-07T21:00:00.000Z',
        {
          type: 'SendSuspensionNotice',
          suspendAt: '2026-03-07T21:00:00.000Z',
          daysBefore: 0,
          at: '2026-03-07T21:00:00.000Z',
        },
      ],
    ]);
  });

  it('known early enough: every notice at its own time', () => {
    expect(notices('2026-02-20T09:00:00.000Z').map(([dueAt]) => dueAt)).toEqual([
      '2026-02-28T21:00:00.000Z',
      '2026-03-04T21:00:00.000Z',
      '2026-03-07T21:00:00.000Z',
    ]);
  });
});
