import type { LedgerCommand, LedgerCommandType, LedgerContext } from './ledger-commands.js';
import type { LedgerState } from './ledger-state.js';
import { decideConfigureAutoTopUp, decideRecordAutoTopUpFailure } from './decisions/auto-top-up.js';
import { decideClosePeriod } from './decisions/close-period.js';
import { decideConsumeResource } from './decisions/consume-resource.js';
import { decideWith, duplicate, reject, type Decision, type LedgerDeciders } from './decisions/decision.js';
import { decideExpireGrants } from './decisions/expire-grants.js';
import { decideIssueGrant } from './decisions/issue-grant.js';
import { decideOpenPeriod } from './decisions/open-period.js';
import { decidePayBill } from './decisions/pay-bill.js';
import { decideRequestTopUpBill } from './decisions/request-top-up-bill.js';
import { decideRecordRefundResult, decideRequestRefund } from './decisions/refund.js';
import { decideSetCreditLimit } from './decisions/set-credit-limit.js';
import { decideTopUp } from './decisions/top-up.js';
import { decideUpgradeFromTrial } from './decisions/upgrade-from-trial.js';
import { TIMELINE_DECISIONS } from './timeline-decide.js';
import { refusedByClosure } from './decisions/close-account.js';
import { decideAdjust } from './decisions/adjust.js';
import { decideRerateUsageRecord, decideVoidUsageRecord } from './decisions/correct-usage.js';
import { decideBookLateUsage } from './decisions/late-usage.js';

export type { Decision, Rejection } from './decisions/decision.js';
export { usageInstant } from './decisions/instants.js';

/** The decider of each ledger command, one file each under decisions/. */
const LEDGER_DECISIONS: LedgerDeciders<LedgerCommandType> = {
  OpenPeriod: decideOpenPeriod,
  TopUp: decideTopUp,
  PayBill: decidePayBill,
  IssueGrant: decideIssueGrant,
  ExpireGrants: decideExpireGrants,
  UpgradeFromTrial: decideUpgradeFromTrial,
  ConsumeResource: decideConsumeResource,
  SetCreditLimit: decideSetCreditLimit,
  ClosePeriod: decideClosePeriod,
  RequestTopUpBill: decideRequestTopUpBill,
  ConfigureAutoTopUp: decideConfigureAutoTopUp,
  RecordAutoTopUpFailure: decideRecordAutoTopUpFailure,
  RequestRefund: decideRequestRefund,
  RecordRefundResult: decideRecordRefundResult,
  ...TIMELINE_DECISIONS,
  BookLateUsage: decideBookLateUsage,
  Adjust: decideAdjust,
  VoidUsageRecord: decideVoidUsageRecord,
  RerateUsageRecord: decideRerateUsageRecord,
};

/** Decides a ledger command against the current period's state: events to append, or a rejection. */
export function decideLedger(command: LedgerCommand, state: LedgerState, context: LedgerContext): Decision {
  return (
    refusedByPeriod(command, state) ??
    refusedByClosure(command, state, context) ??
    decideWith(LEDGER_DECISIONS, command, state, context)
  );
}

/**
 * What every command but the opening passes first: the period must be open (closing it again is a retry;
 * anything else belongs to a later period) and the account not deleted.
 */
function refusedByPeriod(command: LedgerCommand, state: LedgerState): Decision | undefined {
  if (command.type === 'OpenPeriod') return undefined;
  if (state.phase === 'not-opened') return reject('PERIOD_NOT_OPEN', `Period is not open`);
  if (state.phase === 'closed') {
    if (command.type === 'ClosePeriod') return duplicate();
    return reject('PERIOD_CLOSED', `Period ${state.periodId} is closed: corrections go to a later period`);
  }
  if (state.status === 'deleted') return reject('ACCOUNT_DELETED', 'The account has been deleted');
  return undefined;
}
