import {
  ARRAY,
  AS_OF_QUERY,
  ApiCapability,
  ApiRead,
  BASIS_QUERY,
  DECIMAL,
  OBJECT,
  STRING,
  objectWith,
} from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Optional, Param, Query } from '@nestjs/common';
import { problem } from '../../platform/http/problem-details.js';
import { isSaneInstant, SANE_INSTANTS } from '../../platform/http/validators.js';
import Big from 'big.js';
import { AccountBook } from '../account-book.js';
import { LedgerBook, countsAsOf } from '../../ledger/ledger-book.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { alertsStream, ledgerStream } from '../../platform/event-store/stream-names.js';
import { periodSpendOf } from '../../domain/alerts/alert-detection.js';
import { evolveAlerts, initialAlertsState } from '../../domain/alerts/alerts-state.js';
import { budgetOrder, type AlertEvent } from '../../domain/alerts/alert-events.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { paymentMethodOf, type AccountFacts } from '../../domain/account/account-events.js';
import { providerStatus } from '../../domain/ledger/provider-status.js';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import type { PolicyProfile } from '../../domain/policies/policy-profile.js';
import { availableFunds, outstandingBills, type LedgerState } from '../../domain/ledger/ledger-state.js';
import { explainStatus, nextDeadlines } from '../../domain/ledger/account-outlook.js';
import { refundableNow } from '../../domain/ledger/decisions/refund.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { accountStatusProjection } from '../../../projections/account-status.projection.js';
import { accountBudgetsRecord } from '../../../projections/queries/account-budgets.query.js';
import { budgetUsage } from '../../domain/alerts/alert-detection.js';
import { forecastSpend } from '../../domain/alerts/spend-forecast.js';
import type { Budget } from '../../domain/alerts/alert-events.js';
import {
  accountSummaryRecord,
  type AccountClosureView,
} from '../../../projections/queries/account-summary.query.js';
import { localDate } from '../../domain/shared/reporting-period.js';
import { ReadModels } from '../../../projections/queries/read-models.js';

type SummaryFacts = Pick<
  AccountFacts,
  'currency' | 'payerType' | 'profileId' | 'profileVersion' | 'paymentMethod'
>;

const ASOF_RULE = `asOf must be an ISO-8601 time with an offset, from ${SANE_INSTANTS.from} to ${SANE_INSTANTS.until}`;

@ApiCapability('Accounts', 400, 404)
@Controller('v1/accounts/:accountId')
export class AccountSummaryController {
  constructor(
    private readonly accounts: AccountBook,
    private readonly ledger: LedgerBook,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ProfileRegistry) private readonly profiles: ProfileRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  private profileOf(account: SummaryFacts): Pick<PolicyProfile, 'trial'> {
    try {
      return this.profiles.get(account.profileId, account.profileVersion);
    } catch {
      return {};
    }
  }

  /**
   * Status and why, balance, grants by expiry, credit, debt, open bills and what happens next — now, or as of a past time by
   * effective time (`asOf`) or as it was recorded then (`basis=recorded`). Now comes from the account-status
   * read model's account_summary once it has caught up with the log (else from the log); as-of reads replay
   * the log. Read-only:
   * it never opens or closes a period, so auditors change nothing by reading.
   */
  @Get()
  @RequireScopes('read')
  @ApiRead({
    summary: "An account's state",
    description:
      'Status and why, balance, grants, credit, debt, open bills and the next deadlines — now, or as of a past time (`asOf`, by effective or recorded time).',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    query: [AS_OF_QUERY, BASIS_QUERY],
    response: objectWith({
      accountId: STRING,
      asOf: { type: 'string', format: 'date-time' },
      basis: { type: 'string', enum: ['effective', 'recorded'] },
      currency: STRING,
      status: OBJECT,
      balance: DECIMAL,
      creditLimit: DECIMAL,
      availableFunds: DECIMAL,
      refundable: DECIMAL,
      debt: DECIMAL,
      grants: ARRAY,
      openBills: ARRAY,
      nextDeadlines: ARRAY,
      spend: OBJECT,
    }),
  })
  async summary(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query('asOf') asOf?: string,
    @Query('basis') basis: string = 'effective',
  ) {
    if (asOf !== undefined && !isSaneInstant(asOf)) {
      throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', ASOF_RULE, {
        errors: [{ field: 'asOf', rule: 'isInstant', message: ASOF_RULE }],
      });
    }
    if (basis !== 'effective' && basis !== 'recorded') {
      throw problem(
        400,
        'VALIDATION_FAILED',
        'The request is invalid',
        'basis must be effective or recorded',
        {
          errors: [{ field: 'basis', rule: 'isIn', message: 'basis must be effective or recorded' }],
        },
      );
    }
    const now = this.clock.now().toISOString();
    if (asOf === undefined && basis === 'effective') {
      const current = await this.fromReadModel(accountId, now);
      if (current) return current;
    }
    const account = await this.accounts.account(accountId);
    const at = asOf ? new Date(asOf).toISOString() : now;
    const state = await this.ledger.stateAsOf(accountId, at, basis);
    const spent = await this.spentFromLog(accountId, state.periodId, at, basis);
    return accountSummary(
      accountId,
      account,
      this.profileOf(account),
      state,
      at,
      basis,
      spent,
      await this.closureAsOf(account, state, at),
    );
  }

  /**
   * What the read model's budgets and period spend would say, from the log as of `at`: the alerts stream's
   * budgets and the period's charges by project (the same events the ledger state counts).
   */
  private async spentFromLog(
    accountId: string,
    periodId: string,
    at: string,
    basis: 'effective' | 'recorded',
  ): Promise<{ spendByProject: Map<string, Big>; budgets: Budget[] }> {
    const limit = Date.parse(at);
    const counted = async (streamId: string) =>
      (await this.store.readStream(streamId).catch(() => [])).filter((e) => countsAsOf(e, limit, basis));
    const alerts = (await counted(alertsStream(accountId))).reduce(
      (state, e) => evolveAlerts(state, { type: e.type, data: e.data } as AlertEvent),
      initialAlertsState(),
    );
    const spendByProject = new Map<string, Big>();
    if (periodId)
      for (const e of await counted(ledgerStream(accountId, periodId))) {
        const spent = periodSpendOf(e);
        if (!spent) continue;
        spendByProject.set(
          spent.project,
          (spendByProject.get(spent.project) ?? new Big(0)).plus(spent.amount),
        );
      }
    const budgets = [...alerts.budgets.values()].sort(budgetOrder);
    return { spendByProject, budgets };
  }

  /**
   * A closure as of `at`, from the log: requested by then; closed when the state read is the final period
   * closed early, or a period after it (a debt kept the ledger in collection).
   */
  private async closureAsOf(
    account: AccountFacts,
    state: LedgerState,
    at: string,
  ): Promise<AccountClosureView | undefined> {
    const requestedAt = account.closureRequestedAt;
    if (requestedAt === undefined || Date.parse(requestedAt) > Date.parse(at)) return undefined;
    const openedDay = localDate(account.openedAt, account.timeZone);
    const { deletedAt } = await this.accounts.state(account.accountId);
    const deleted = deletedAt !== undefined && Date.parse(deletedAt) <= Date.parse(at) ? { deletedAt } : {};
    const closed =
      (state.phase === 'closed' && state.closedEarlyAt !== undefined) ||
      Date.parse(state.startsAt) > Date.parse(requestedAt);
    if (!closed) return { requestedAt, openedDay, ...deleted };
    return {
      requestedAt,
      closedAt: requestedAt,
      finalDay: localDate(requestedAt, account.timeZone),
      openedDay,
      ...deleted,
    };
  }

  /**
   * The summary now from the read model; undefined when the log must answer: the read model is not caught
   * up, does not know the account (the log answers 404), or its latest period holds an event dated after
   * now (or the account opens later), which the log leaves out of "now".
   */
  private async fromReadModel(accountId: string, now: string) {
    if (!this.readModels) return undefined;
    const read = await this.readModels.read(
      'account-summary',
      accountStatusProjection,
      accountSummaryRecord(accountId),
    );
    if (!read.served || !read.value) return undefined;
    const { account, state, latestEffectiveAt, closure } = read.value;
    const at = Date.parse(now);
    if (at < Date.parse(account.openedAt)) return undefined;
    if (latestEffectiveAt !== null && Date.parse(latestEffectiveAt) > at) return undefined;
    // The period's spend by project and the budgets (issue 15): the same read model, another query.
    const budgets = await this.readModels.read(
      'account-summary',
      accountStatusProjection,
      accountBudgetsRecord(accountId),
    );
    if (!budgets.served || !budgets.value || budgets.value.periodId !== (state.periodId || null))
      return undefined;
    return accountSummary(
      accountId,
      account,
      this.profileOf(account),
      state,
      now,
      'effective',
      {
        spendByProject: budgets.value.spendByProject,
        budgets: budgets.value.budgets,
      },
      closure,
    );
  }
}

/**
 * A closing account's status (issue 14, item 5): `closing` from the request until the final period is
 * closed, then `closed` until the deletion; the final reconciliation report's range once closed.
 */
function closureSummary(accountId: string, closure: AccountClosureView) {
  const closed = closure.closedAt !== undefined;
  const deleted = closure.deletedAt;
  return {
    status: {
      value: deleted ? 'deleted' : closed ? 'closed' : 'closing',
      since: deleted ?? (closed ? closure.closedAt! : closure.requestedAt),
      reason: 'closure-requested',
      why: deleted
        ? 'The customer closed the account and it was deleted per retention: its personal data is erased; amounts, dates and document numbers stay.'
        : closed
          ? 'The customer closed the account: the final period is closed and its documents issued; the remaining balance is refunded, then the account is deleted per retention once nothing is owed.'
          : 'The customer asked to close the account: new usage is refused; the current period closes early at the closure instant.',
    },
    closure: {
      requestedAt: closure.requestedAt,
      closedAt: closure.closedAt ?? null,
      finalDay: closure.finalDay ?? null,
      // The final reconciliation report (акт сверки) for the account's whole life, at the existing route.
      finalReconciliation:
        closed && closure.openedDay && closure.finalDay
          ? `/v1/accounts/${accountId}/reconciliation?from=${closure.openedDay}&to=${closure.finalDay}`
          : null,
    },
  };
}

/** The summary body: a pure function of the account's facts and its ledger state at `at`. */
function accountSummary(
  accountId: string,
  account: SummaryFacts,
  profile: Pick<PolicyProfile, 'trial'>,
  state: LedgerState,
  at: string,
  basis: 'effective' | 'recorded',
  /** The period's spend by project and the active budgets (from the read model, or the log). */
  spent: { spendByProject: ReadonlyMap<string, Big>; budgets: Budget[] },
  closure?: AccountClosureView,
) {
  const paymentMethod = paymentMethodOf(account);
  const soFar = [...spent.spendByProject.values()].reduce((a, b) => a.plus(b), new Big(0));
  const forecast = state.periodId ? forecastSpend(soFar, state, at) : undefined;
  const closing = closure && closureSummary(accountId, closure);
  const debt = state.balance.lt(0) ? state.balance.neg() : new Big(0);
  return {
    accountId,
    asOf: at,
    basis,
    currency: account.currency,
    payerType: account.payerType,
    profile: { id: account.profileId, version: account.profileVersion },
    period: { id: state.periodId, startsAt: state.startsAt, endsAt: state.endsAt },
    status: closing?.status ?? explainStatus(state),
    /** The second provider's name for the account's status (rules §7). */
    providerStatus: providerStatus(
      state,
      { paymentMethod, ...(closure ? { closureRequestedAt: closure.requestedAt } : {}) },
      profile,
      at,
    ),
    ...(closing ? { closure: closing.closure } : {}),
    paymentMethod,
    balance: state.balance.toFixed(),
    creditLimit: state.creditLimit.toFixed(),
    availableFunds: availableFunds(state).toFixed(),
    /** Unspent paid money a refund may return now (never grants; nothing while anything is owed). */
    refundable: refundableNow(state).toFixed(),
    debt: debt.toFixed(),
    grants: [...state.grants.values()]
      .filter((g) => new Big(g.remaining).gt(0))
      .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt))
      .map((g) => ({ grantId: g.grantId, kind: g.kind, remaining: g.remaining, expiresAt: g.expiresAt })),
    openBills: [...state.openBills.values()],
    outstandingBills: outstandingBills(state).toFixed(),
    /** Top-up bills asked for and not paid in full: an advance awaited, never a debt. */
    topUpBillsUnpaid: [...state.topUpBills.values()].filter((b) => new Big(b.paid).lt(b.amount)),
    nextDeadlines: nextDeadlines(state),
    /**
     * The period's spend so far, its forecast at the current rate (null in the period's first hour), and
     * each active budget's use.
     */
    spend: {
      periodId: state.periodId,
      soFar: soFar.toFixed(),
      forecast: forecast ? forecast.toFixed(2) : null,
      budgets: budgetUsage(spent.budgets, spent.spendByProject).map((b) => ({
        budgetId: b.budgetId,
        scope: b.scope,
        amount: b.amount,
        spend: b.spend,
        percentUsed: b.percentUsed,
      })),
    },
  };
}
