import type { Command } from '@nestjs/cqrs';
import type { CorrectionCommand, LedgerCommand } from '../domain/ledger/ledger-commands.js';
import type { CommandMeta, CommandOutcome } from '../platform/commands/command-outcome.js';
import { AnswerAutoTopUp } from './answer-auto-top-up/answer-auto-top-up.command.js';
import { ConfigureAutoTopUp } from './configure-auto-top-up/configure-auto-top-up.command.js';
import { ConsumeResource } from './consume-resource/consume-resource.command.js';
import { deadlineCommand } from './deadline-commands/deadline-commands.js';
import { ExpireGrants } from './expire-grants/expire-grants.command.js';
import { IssueGrant } from './issue-grant/issue-grant.command.js';
import { PayBill } from './pay-bill/pay-bill.command.js';
import { RequestTopUpBill } from './request-top-up-bill/request-top-up-bill.command.js';
import { SetCreditLimit } from './set-credit-limit/set-credit-limit.command.js';
import { TopUp } from './top-up/top-up.command.js';
import { UpgradeFromTrial } from './upgrade-from-trial/upgrade-from-trial.command.js';
import { RequestRefund } from './request-refund/request-refund.command.js';
import { RecordRefundResult } from './record-refund-result/record-refund-result.command.js';

/**
 * The named command for a ledger command given as data (a scenario step, a benchmark workload, a test): so
 * callers that script the ledger still send every command through the bus, as the controllers do. Opening
 * and closing periods are the ledger book's own steps, not commands anyone sends.
 */
export function namedLedgerCommand(
  accountId: string,
  // Corrections are not given as data: their handlers resolve the record or the closed period first.
  command: Exclude<LedgerCommand, { type: 'OpenPeriod' | 'ClosePeriod' } | CorrectionCommand>,
  meta: CommandMeta,
): Command<CommandOutcome> {
  switch (command.type) {
    case 'TopUp': {
      const { type: _type, ...payment } = command;
      return new TopUp(accountId, payment, meta);
    }
    case 'PayBill': {
      const { type: _type, billId, ...payment } = command;
      return new PayBill(accountId, billId, payment, meta);
    }
    case 'ConsumeResource': {
      const { type: _type, ...usage } = command;
      return new ConsumeResource(accountId, usage, meta);
    }
    case 'IssueGrant': {
      const { type: _type, ...grant } = command;
      return new IssueGrant(accountId, undefined, grant, meta);
    }
    case 'ExpireGrants':
      return new ExpireGrants(accountId, command.at, meta);
    case 'RequestTopUpBill': {
      const { type: _type, ...bill } = command;
      return new RequestTopUpBill(accountId, bill, meta);
    }
    case 'SetCreditLimit':
      return new SetCreditLimit(accountId, command.creditLimit, command.at, meta);
    case 'UpgradeFromTrial':
      return new UpgradeFromTrial(accountId, command.at, meta);
    case 'ConfigureAutoTopUp': {
      const { type: _type, at, ...settings } = command;
      return new ConfigureAutoTopUp(accountId, settings, at, meta);
    }
    case 'RecordAutoTopUpFailure':
      // The request id names the account; the answer is booked when it arrives.
      return new AnswerAutoTopUp(command.requestId, { status: 'failed', reason: command.reason }, meta);
    case 'RequestRefund': {
      const { refundId, amount, reason, by, at } = command;
      return new RequestRefund(accountId, refundId, amount, reason, by, at, meta);
    }
    case 'RecordRefundResult':
      return new RecordRefundResult(accountId, command.refundId, command.result, command.paymentId, meta);
    default:
      return deadlineCommand(accountId, command.at, command, meta);
  }
}
