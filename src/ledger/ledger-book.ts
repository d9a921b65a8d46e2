import Big from 'big.js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { paymentMethodOf, type AccountFacts } from '../domain/account/account-events.js';
import type { LedgerCommand, LedgerContext } from '../domain/ledger/ledger-commands.js';
import { decideLedger } from '../domain/ledger/ledger-decide.js';
import type { CarriedState, LedgerEvent } from '../domain/ledger/ledger-events.js';
import {
  evolveLedger,
  evolveOwnedLedger,
  foldLedger,
  foldLedgerToClose,
  initialLedgerState,
  type LedgerState,
} from '../domain/ledger/ledger-state.js';
import { owedBy } from '../domain/ledger/decisions/close-account.js';
import { ProfileRegistry } from '../domain/policies/profile-registry.js';
import {
  nextPeriod,
  periodOf,
  previousPeriod,
  type ReportingPeriod,
} from '../domain/shared/reporting-period.js';
import { AggregateStreams } from '../platform/commands/aggregate-streams.js';
import {
  CommandRejectedError,
  type CommandMeta,
  type CommandOutcome,
} from '../platform/commands/command-outcome.js';
import { CLOCK, type Clock } from '../platform/clock/clock.js';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../platform/event-store/event-store.port.js';
import { ledgerStream } from '../platform/event-store/stream-names.js';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from './account-directory.js';
import { AccountPricingBook } from './account-pricing-book.js';
import { PriceCatalogProvider } from './price-catalog.provider.js';

/**
 * LEDGER_CACHE_EVENTS: the ledger states kept in memory, as a budget of events folded into them, each state
 * counting LEDGER_CACHE_EVENTS_PER_STREAM more for its fixed part. Measured (memory bench, 2 December): ≈ 0.9
 * KiB per weighed event — a month-end state of ≈ 100 events ≈ 94 KiB, a light one of 3 ≈ 8.9 KiB — so the
 * default is ≈ 64 MiB at most. Provided by the app module.
 */
export const LEDGER_CACHE_EVENTS = Symbol('LedgerCacheEvents');
export const DEFAULT_LEDGER_CACHE_EVENTS = 75_000;
export const LEDGER_CACHE_EVENTS_PER_STREAM = 7;

/** How far in the future an effective time may be (clock skew between services). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The ledger book: one stream per account per reporting period (closing the books). Resolves the period a
 * command belongs to, opens and closes periods on demand — a period opens with the state the previous one
 * carries — and runs the domain's ledger decisions with optimistic concurrency.
 */
@Injectable()
export class LedgerBook {
  readonly streams: AggregateStreams<LedgerState, LedgerEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(ProfileRegistry) private readonly profiles: ProfileRegistry,
    @Inject(PriceCatalogProvider) private readonly catalog: PriceCatalogProvider,
    @Inject(AccountPricingBook) private readonly pricing: AccountPricingBook,
    @Optional() @Inject(LEDGER_CACHE_EVENTS) cacheEvents: number = DEFAULT_LEDGER_CACHE_EVENTS,
  ) {
    this.streams = new AggregateStreams(
      store,
      clock,
      initialLedgerState,
      evolveLedger,
      {
        maxEvents: cacheEvents,
        // A light state weighs as much as its first few events again: counted, so light states fill the budget by memory.
        eventsPerStream: LEDGER_CACHE_EVENTS_PER_STREAM,
        // As many states as the cache held before it was weighed (issue 18): under the events budget alone all
        // 100 000 light states of the memory bench fit, and its engine ran out of a 1 GiB heap.
        maxStreams: 20_000,
      },
      undefined,
      (events) => foldLedger(events),
      evolveOwnedLedger,
    );
  }

  /**
   * Runs a ledger command in the reporting period that contains `effectiveAt`. `beforeAppend` runs once the
   * command is accepted, before its events are stored (a payment's claim of its id): if it throws, nothing is.
   */
  async decide(
    accountId: string,
    effectiveAt: string,
    command: LedgerCommand,
    meta: CommandMeta,
    beforeAppend?: () => Promise<void>,
  ): Promise<CommandOutcome> {
    return this.decideFor(await this.accounts.account(accountId), effectiveAt, command, meta, beforeAppend);
  }

  /**
   * `decide` for an account its caller looked up already (a usage record's, for the late-usage check): the
   * account's facts are asked once per command (issue 18).
   */
  async decideFor(
    account: AccountFacts,
    effectiveAt: string,
    command: LedgerCommand,
    meta: CommandMeta,
    beforeAppend?: () => Promise<void>,
  ): Promise<CommandOutcome> {
    if (Date.parse(effectiveAt) > this.clock.now().getTime() + FUTURE_TOLERANCE_MS) {
      throw new CommandRejectedError(
        'EFFECTIVE_TIME_IN_FUTURE',
        `The effective time ${effectiveAt} is in the future`,
      );
    }
    const period = periodOf(effectiveAt, account.timeZone);
    await this.ensurePeriodOpen(account, period);
    const context = await this.pricedContextFor(account);
    return this.streams.decide(
      ledgerStream(account.accountId, period.id),
      (state) => decideLedger(command, state, context),
      meta,
      effectiveAt,
      beforeAppend,
    );
  }

  /**
   * A closing account's ledger, read-only: the final period (the one containing the closure instant) and the
   * latest period after it (itself, unless a debt kept later periods opening). Undefined parts: not there.
   */
  async closingLedger(accountId: string): Promise<{ final?: LedgerState; latest?: LedgerState }> {
    const account = await this.accounts.account(accountId);
    if (!account.closureRequestedAt) return {};
    let period = periodOf(account.closureRequestedAt, account.timeZone);
    if (!(await this.streams.exists(ledgerStream(accountId, period.id)))) return {};
    const final = (await this.streams.load(ledgerStream(accountId, period.id))).state;
    let latest = final;
    for (;;) {
      period = nextPeriod(period);
      const stream = ledgerStream(accountId, period.id);
      if (!(await this.streams.exists(stream))) return { final, latest };
      latest = (await this.streams.load(stream)).state;
    }
  }

  /** Whether the period containing `at` exists and is closed (a payment dated in it is booked later). */
  async isClosed(accountId: string, at: string): Promise<boolean> {
    const account = await this.accounts.account(accountId);
    const stream = ledgerStream(accountId, periodOf(at, account.timeZone).id);
    return (await this.streams.exists(stream)) && (await this.streams.load(stream)).state.phase === 'closed';
  }

  /** The state of the period containing `at` (opening it, and closing earlier ones, when needed). */
  async state(accountId: string, at: string): Promise<LedgerState> {
    const account = await this.accounts.account(accountId);
    const period = periodOf(at, account.timeZone);
    await this.ensurePeriodOpen(account, period);
    return (await this.streams.load(ledgerStream(accountId, period.id))).state;
  }

  /**
   * The account's ledger state as of `at`, read-only (opens and closes nothing): the period containing `at`
   * (or the latest one before it), with only the events whose effective — or recorded — time is ≤ `at`.
   */
  async stateAsOf(
    accountId: string,
    at: string,
    basis: 'effective' | 'recorded' = 'effective',
  ): Promise<LedgerState> {
    const account = await this.accounts.account(accountId);
    if (Date.parse(at) < Date.parse(account.openedAt)) {
      throw new CommandRejectedError(
        'BEFORE_ACCOUNT_OPENED',
        `The account was opened at ${account.openedAt}`,
        'asOf',
      );
    }
    let period = periodOf(at, account.timeZone);
    while (period.id >= account.openingPeriodId) {
      const stream = ledgerStream(accountId, period.id);
      if (await this.streams.exists(stream)) {
        const events = await this.store.readStream(stream);
        const limit = Date.parse(at);
        // PeriodOpened (index 0) is the carried-over state: always in.
        return foldLedger(
          events
            .filter((e, index) => index === 0 || countsAsOf(e, limit, basis))
            .map((e) => ({ type: e.type, data: e.data }) as LedgerEvent),
        );
      }
      period = previousPeriod(period);
    }
    return initialLedgerState();
  }

  contextFor(account: AccountFacts): LedgerContext {
    return {
      profile: this.profiles.get(account.profileId, account.profileVersion),
      rate: this.catalog.rate,
      timeZone: account.timeZone,
      paymentMethod: paymentMethodOf(account),
      payerType: account.payerType,
      ...(account.closureRequestedAt ? { closureRequestedAt: account.closureRequestedAt } : {}),
    };
  }

  /** The context with the account's discounts and commitments (rating and the close apply them). */
  async pricedContextFor(account: AccountFacts): Promise<LedgerContext> {
    const accountPricing = await this.pricing.pricingOf(account.accountId);
    return { ...this.contextFor(account), ...(accountPricing ? { accountPricing } : {}) };
  }

  /**
   * Closes a closing account's final period early, at the closure instant (issue 14, item 5): the period
   * containing it (earlier ones closed first when needed) ends there; no next period is opened after it.
   * Idempotent: closing it again is a duplicate.
   */
  async closeFinalPeriod(accountId: string, meta: CommandMeta): Promise<CommandOutcome> {
    const account = await this.accounts.account(accountId);
    const endsEarlyAt = account.closureRequestedAt;
    if (!endsEarlyAt) {
      throw new CommandRejectedError('ACCOUNT_NOT_CLOSING', `Account ${accountId} was not asked to close`);
    }
    const period = periodOf(endsEarlyAt, account.timeZone);
    await this.ensurePeriodOpen(account, period);
    const closedAt = this.clock.now().toISOString();
    return this.streams.decide(
      ledgerStream(accountId, period.id),
      (state) =>
        decideLedger(
          { type: 'ClosePeriod', at: closedAt, timeZone: account.timeZone, endsEarlyAt },
          state,
          this.contextFor(account),
        ),
      meta,
      endsEarlyAt,
    );
  }

  /**
   * Makes sure the period's stream exists: the account's first period opens empty; a later one is opened
   * from the previous period's closing state, closing that period first if it is still open.
   */
  async ensurePeriodOpen(account: AccountFacts, period: ReportingPeriod): Promise<void> {
    const stream = ledgerStream(account.accountId, period.id);
    if (await this.streams.exists(stream)) return;
    if (period.id < account.openingPeriodId) {
      throw new CommandRejectedError(
        'BEFORE_ACCOUNT_OPENED',
        `Period ${period.id} is before the account was opened`,
      );
    }
    let carried: CarriedState;
    if (period.id === account.openingPeriodId) {
      carried = {
        balance: '0',
        creditLimit: '0',
        grants: [],
        status: 'active',
        statusSince: account.openedAt,
        everPaid: false,
        openBills: [],
      };
    } else {
      const previous = previousPeriod(period);
      await this.ensurePeriodOpen(account, previous);
      carried = await this.closePeriod(account, previous);
    }
    await this.streams.decide(
      stream,
      (state) =>
        decideLedger(
          {
            type: 'OpenPeriod',
            accountId: account.accountId,
            period: {
              periodId: period.id,
              startsAt: period.startsAt,
              endsAt: period.endsAt,
              lastDay: period.lastDay,
            },
            timeZone: account.timeZone,
            currency: account.currency,
            carried,
          },
          state,
          this.contextFor(account),
        ),
      { commandId: `open-period/${account.accountId}/${period.id}`, actor: 'billing-engine' },
      period.startsAt,
    );
  }

  /** Closes a period (idempotently) and returns the state it carries into the next one. */
  private async closePeriod(account: AccountFacts, period: ReportingPeriod): Promise<CarriedState> {
    const stream = ledgerStream(account.accountId, period.id);
    const closedAt = this.clock.now().toISOString();
    if (Date.parse(closedAt) < Date.parse(period.endsAt)) {
      throw new CommandRejectedError('PERIOD_NOT_ENDED', `Period ${period.id} ends at ${period.endsAt}`);
    }
    const context = await this.pricedContextFor(account);
    // A period not in memory (most of them at month end) is read for its close alone: without the parts only
    // the command path reads, and not cached — it takes no further decision once closed.
    const closed = await this.streams.decideUncached(
      stream,
      (events) => foldLedgerToClose(events),
      (state) =>
        decideLedger({ type: 'ClosePeriod', at: closedAt, timeZone: account.timeZone }, state, context),
      { commandId: `close-period/${account.accountId}/${period.id}`, actor: 'billing-engine' },
      period.endsAt,
    );
    const state = closed.state ?? (await this.streams.load(stream)).state;
    if (state.phase !== 'closed')
      throw new Error(`Period ${state.periodId} of ${state.accountId} did not close`);
    // A closed account's final period is its last, unless a debt keeps it in collection (the suspension,
    // penalty and deletion timelines then run in the periods that follow) or money is still to be returned:
    // the final period's stream ends at the closure instant, so the refund of the remaining balance and its
    // answers are booked in the period after it.
    if (state.closedEarlyAt && owedBy(state.closedCarry!).eq(0) && !moneyToReturn(state.closedCarry!)) {
      throw new CommandRejectedError(
        'ACCOUNT_CLOSED',
        `Account ${account.accountId} was closed at ${state.closedEarlyAt}: no period follows its final one`,
      );
    }
    // A closed period takes no further decision (late usage and corrections are booked in the open one), so
    // its state — the heaviest in the cache at month end, ≈ 100 events — leaves the cache at once: holding
    // thousands of them kept ≈ 400 MiB live through a 3 000-account close and slowed every GC (issue 18).
    // A later question about it (a repeated close, a state as of then) reads it again from the log.
    this.streams.forget(stream);
    return state.closedCarry!;
  }
}

/**
 * Whether a period's event counts in the ledger state as of `limit` (ms): by its effective or its recorded
 * time. The period's PeriodOpened always counts. The balance derivation (audit) selects events with it too.
 */
export function countsAsOf(
  event: Pick<RecordedEvent, 'metadata'>,
  limit: number,
  basis: 'effective' | 'recorded',
): boolean {
  const time = basis === 'effective' ? event.metadata.effectiveAt : event.metadata.recordedAt;
  return Date.parse(String(time)) <= limit;
}

/** A positive balance left, or a refund still unanswered: a closed account's ledger goes on until returned. */
function moneyToReturn(carried: CarriedState): boolean {
  return new Big(carried.balance).gt(0) || (carried.refunds?.inFlight.length ?? 0) > 0;
}
