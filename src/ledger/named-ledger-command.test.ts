import { RequestTopUpBill } from './request-top-up-bill/request-top-up-bill.command.js';
import { testMeta } from '../../test/support/given-accounts.js';
import type { SendableLedgerCommand } from '../../test/support/engine.js';
import { AnswerAutoTopUp } from './answer-auto-top-up/answer-auto-top-up.command.js';
import { ConfigureAutoTopUp } from './configure-auto-top-up/configure-auto-top-up.command.js';
import { ConsumeResource } from './consume-resource/consume-resource.command.js';
import {
  AccruePenalty,
  BlockIfStillSuspended,
  BlockObjectStorage,
  DeleteObjectStorage,
  QueueFrozenObjects,
  RetryAutoTopUp,
  SendSuspensionNotice,
  SuspendIfBillOverdue,
  SuspendIfUnpaid,
} from './deadline-commands/deadline-commands.js';
import { ExpireGrants } from './expire-grants/expire-grants.command.js';
import { IssueGrant } from './issue-grant/issue-grant.command.js';
import { namedLedgerCommand } from './named-ledger-command.js';
import { RequestRefund } from './request-refund/request-refund.command.js';
import { RecordRefundResult } from './record-refund-result/record-refund-result.command.js';
import { PayBill } from './pay-bill/pay-bill.command.js';
import { SetCreditLimit } from './set-credit-limit/set-credit-limit.command.js';
import { TopUp } from './top-up/top-up.command.js';
import { UpgradeFromTrial } from './upgrade-from-trial/upgrade-from-trial.command.js';

const at = '2026-03-10T09:00:00.000Z';
const meta = testMeta('named-1');

/** A ledger command given as data, the named command it must become, and the fields that command carries. */
const cases: Array<[SendableLedgerCommand, new (...args: never[]) => object, Record<string, unknown>]> = [
  [
    { type: 'TopUp', paymentId: 'p-1', amount: '100', channel: 'card', at },
    TopUp,
    { accountId: 'acc', payment: { paymentId: 'p-1', amount: '100', channel: 'card', at } },
  ],
  [
    { type: 'PayBill', billId: 'b-1', paymentId: 'p-2', amount: '50', channel: 'bank-transfer', at },
    PayBill,
    {
      accountId: 'acc',
      billId: 'b-1',
      payment: { paymentId: 'p-2', amount: '50', channel: 'bank-transfer', at },
    },
  ],
  [
    {
      type: 'ConsumeResource',
      usageRecordId: 'u-1',
      sku: 'test.unit',
      quantity: '2',
      windowStart: at,
      windowEnd: at,
    },
    ConsumeResource,
    {
      accountId: 'acc',
      usage: { usageRecordId: 'u-1', sku: 'test.unit', quantity: '2', windowStart: at, windowEnd: at },
    },
  ],
  [
    {
      type: 'IssueGrant',
      grantId: 'g-1',
      kind: 'promo',
      amount: '10',
      expiresAt: '2026-04-01T00:00:00.000Z',
      categories: 'all',
      excludedCategories: [],
      priority: 0,
      at,
    },
    IssueGrant,
    {
      accountId: 'acc',
      // Scripted grants carry no currency: the account's own is taken.
      currency: undefined,
      grant: {
        grantId: 'g-1',
        kind: 'promo',
        amount: '10',
        expiresAt: '2026-04-01T00:00:00.000Z',
        categories: 'all',
        excludedCategories: [],
        priority: 0,
        at,
      },
    },
  ],
  [{ type: 'ExpireGrants', at }, ExpireGrants, { accountId: 'acc', at }],
  [
    { type: 'SetCreditLimit', creditLimit: '1000', at },
    SetCreditLimit,
    { accountId: 'acc', creditLimit: '1000', at },
  ],
  [{ type: 'UpgradeFromTrial', at }, UpgradeFromTrial, { accountId: 'acc', at }],
  [
    { type: 'RequestTopUpBill', billId: 'tb-1', amount: '5000', at },
    RequestTopUpBill,
    { accountId: 'acc', bill: { billId: 'tb-1', amount: '5000', at } },
  ],
  [
    { type: 'ConfigureAutoTopUp', enabled: true, threshold: '100', amount: '500', currency: 'RUB', at },
    ConfigureAutoTopUp,
    { accountId: 'acc', settings: { enabled: true, threshold: '100', amount: '500', currency: 'RUB' }, at },
  ],
  [
    { type: 'RecordAutoTopUpFailure', requestId: 'acc-atu-1', reason: 'declined', at },
    AnswerAutoTopUp,
    { requestId: 'acc-atu-1', answer: { status: 'failed', reason: 'declined' } },
  ],
  [
    { type: 'RequestRefund', refundId: 'r-1', amount: 'all', reason: 'closing', by: 'ops', at },
    RequestRefund,
    { accountId: 'acc', refundId: 'r-1', amount: 'all', reason: 'closing', by: 'ops', at },
  ],
  [
    { type: 'RecordRefundResult', refundId: 'r-1', paymentId: 'p-1', result: { status: 'completed' }, at },
    RecordRefundResult,
    { accountId: 'acc', refundId: 'r-1', paymentId: 'p-1', result: { status: 'completed' } },
  ],
  ...(
    [
      [{ type: 'SendSuspensionNotice', suspendAt: at, daysBefore: 3, at }, SendSuspensionNotice],
      [{ type: 'SuspendIfUnpaid', reason: 'funds-exhausted', at }, SuspendIfUnpaid],
      [{ type: 'SuspendIfBillOverdue', billId: 'b-1', at }, SuspendIfBillOverdue],
      [{ type: 'AccruePenalty', day: '2026-03-09', at }, AccruePenalty],
      [{ type: 'BlockIfStillSuspended', at }, BlockIfStillSuspended],
      [{ type: 'QueueFrozenObjects', at }, QueueFrozenObjects],
      [{ type: 'BlockObjectStorage', at }, BlockObjectStorage],
      [{ type: 'DeleteObjectStorage', at }, DeleteObjectStorage],
      [{ type: 'RetryAutoTopUp', failedRequestId: 'acc-atu-1', at }, RetryAutoTopUp],
    ] as Array<[SendableLedgerCommand, new (...args: never[]) => object]>
  ).map(
    ([command, Named]) =>
      [command, Named, { accountId: 'acc', dueAt: at, command }] as [
        SendableLedgerCommand,
        new (...args: never[]) => object,
        Record<string, unknown>,
      ],
  ),
];

describe('namedLedgerCommand: a ledger command given as data becomes its named command', () => {
  it.each(cases.map(([command, Named, fields]) => [command.type, command, Named, fields] as const))(
    '%s',
    (_type, command, Named, fields) => {
      const named = namedLedgerCommand('acc', command, meta);
      expect(named).toBeInstanceOf(Named);
      expect(named).toEqual(Object.assign(Object.create(Named.prototype), { ...fields, meta }));
    },
  );

  it('covers every ledger command anyone sends (all but opening and closing periods)', () => {
    // A new command type fails to compile here until it is listed, and then this test until it has a case.
    const sendable: Record<SendableLedgerCommand['type'], true> = {
      TopUp: true,
      PayBill: true,
      ConsumeResource: true,
      IssueGrant: true,
      ExpireGrants: true,
      SetCreditLimit: true,
      RequestTopUpBill: true,
      UpgradeFromTrial: true,
      SendSuspensionNotice: true,
      SuspendIfUnpaid: true,
      SuspendIfBillOverdue: true,
      AccruePenalty: true,
      BlockIfStillSuspended: true,
      QueueFrozenObjects: true,
      BlockObjectStorage: true,
      DeleteObjectStorage: true,
      ConfigureAutoTopUp: true,
      RecordAutoTopUpFailure: true,
      RetryAutoTopUp: true,
      RequestRefund: true,
      RecordRefundResult: true,
    };
    expect(cases.map(([command]) => command.type).sort()).toEqual(Object.keys(sendable).sort());
  });
});
