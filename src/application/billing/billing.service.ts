import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { decideOpenAccount, type OpenAccountCommand } from '../../domain/account/open-account.js';
import { evolveAccount, initialAccountState, type AccountState } from '../../domain/account/account-state.js';
import type { AccountEvent, LegalDetails } from '../../domain/account/account-events.js';
import {
  decideAddLegalDetails,
  decideChangeContract,
  type ChangeContractCommand,
} from '../../domain/account/change-contract.js';
import type { LedgerCommand, LedgerContext } from '../../domain/ledger/ledger-commands.js';
import { decideLedger } from '../../domain/ledger/ledger-decide.js';
import type { CarriedState, LedgerEvent } from '../../domain/ledger/ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from '../../domain/ledger/ledger-state.js';
import { periodOf, previousPeriod, type ReportingPeriod } from '../../domain/shared/reporting-period.js';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { PriceCatalogProvider } from '../catalog/price-catalog.provider.js';
import { CLOCK, type Clock } from '../clock/clock.js';
import { AggregateStreams } from '../event-sourcing/aggregate-stream.js';
import { PersonalDataVault, personalDataCodec } from '../personal-data/personal-data-vault.js';
import {
  CommandRejectedError,
  NotFoundError,
  type CommandMeta,
  type CommandOutcome,
} from '../ledger/command-outcome.js';
import { accountStream, ledgerStream, paymentStream } from '../ledger/stream-names.js';
import { deterministicEventId } from '../../event-store/event-ids.js';

/** How far in the future an effective time may be (clock skew between services). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The application's entry to the billing domain: resolves the account and the reporting period a command
 * belongs to, opens and closes periods on demand (closing the books), and runs the domain's decision
 * with optimistic concurrency.
 */
@Injectable()
export class BillingService {
  readonly accounts: AggregateStreams<AccountState, AccountEvent>;
  readonly ledgers: AggregateStreams<LedgerState, LedgerEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly profiles: ProfileRegistry,
    private readonly catalog: PriceCatalogProvider,
    private readonly vault: PersonalDataVault,
  ) {
    this.accounts = new AggregateStreams(
      store,
      clock,
      initialAccountState,
      evolveAccount,
      20_000,
      personalDataCodec(vault),
    );
    this.ledgers = new AggregateStreams(store, clock, initialLedgerState, evolveLedger);
  }

  async openAccount(command: OpenAccountCommand, meta: CommandMeta): Promise<CommandOutcome> {
    const outcome = await this.accounts.decide(
      accountStream(command.accountId),
      (state) => decideOpenAccount(command, state, { profiles: this.profiles }),
      meta,
      command.at,
    );
    const account = await this.account(command.accountId);
    await this.ensurePeriodOpen(account, periodOf(account.openedAt, account.timeZone));
    return outcome;
  }

  async changeContract(command: ChangeContractCommand, meta: CommandMeta): Promise<CommandOutcome> {
    const before = await this.account(command.accountId);
    const outcome = await this.accounts.decide(
      accountStream(command.accountId),
      (state) => decideChangeContract(command, state, this.profiles),
      meta,
      command.at,
    );
    const after = await this.account(command.accountId);
    const wasTrial = this.profiles.get(before.profileId, before.profileVersion).trial?.enabled;
    if (wasTrial && !this.profiles.get(after.profileId, after.profileVersion).trial?.enabled) {
      // Upgrading ends a trial suspension in the ledger (a separate, idempotent step).
      await this.onLedger(
        command.accountId,
        command.at,
        { type: 'UpgradeFromTrial', at: command.at },
        {
          ...meta,
          commandId: `${meta.commandId}/upgrade`,
        },
      );
    }
    return outcome;
  }

  async addLegalDetails(
    command: { accountId: string; legalDetails: LegalDetails; at: string },
    meta: CommandMeta,
  ): Promise<CommandOutcome> {
    await this.account(command.accountId);
    return this.accounts.decide(
      accountStream(command.accountId),
      (state) => decideAddLegalDetails(command, state),
      meta,
      command.at,
    );
  }

  /**
   * Deletes the account's personal data irreversibly (its key is destroyed) and records what was erased
   * and when; amounts, dates and document numbers stay in the history for auditors.
   */
  async deleteAccount(accountId: string, at: string, meta: CommandMeta): Promise<CommandOutcome> {
    await this.account(accountId);
    const outcome = await this.accounts.decide(
      accountStream(accountId),
      (state) =>
        state.deletedAt
          ? { ok: true, events: [] }
          : {
              ok: true,
              events: [
                {
                  type: 'AccountDeleted',
                  data: {
                    accountId,
                    at,
                    reason: 'blocked: debt unpaid 60 days after suspension',
                    erased: ['legal details (name, tax id, KPP, address)', 'personal data encryption key'],
                  },
                },
              ],
            },
      meta,
      at,
    );
    this.vault.destroy(accountId, at);
    this.accounts.forget(accountStream(accountId));
    return outcome;
  }

  /** The account, refusing an amount in another currency than the account's (fixed by residency). */
  async accountInCurrency(accountId: string, currency: string): Promise<NonNullable<AccountState['facts']>> {
    const account = await this.account(accountId);
    if (currency !== account.currency) {
      throw new CommandRejectedError(
        'WRONG_CURRENCY',
        `The account is in ${account.currency}, not ${currency}`,
        'currency',
      );
    }
    return account;
  }

  async account(accountId: string): Promise<NonNullable<AccountState['facts']>> {
    const { state } = await this.accounts.load(accountStream(accountId));
    if (!state.facts) throw new NotFoundError(`Account ${accountId} does not exist`);
    return state.facts;
  }

  /** Runs a ledger command in the reporting period that contains `effectiveAt`. */
  async onLedger(
    accountId: string,
    effectiveAt: string,
    command: LedgerCommand,
    meta: CommandMeta,
  ): Promise<CommandOutcome> {
    const account = await this.account(accountId);
    if (Date.parse(effectiveAt) > this.clock.now().getTime() + FUTURE_TOLERANCE_MS) {
      throw new CommandRejectedError(
        'EFFECTIVE_TIME_IN_FUTURE',
        `The effective time ${effectiveAt} is in the future`,
      );
    }
    const period = periodOf(effectiveAt, account.timeZone);
    await this.ensurePeriodOpen(account, period);
    return this.ledgers.decide(
      ledgerStream(accountId, period.id),
      (state) => decideLedger(command, state, this.contextFor(account)),
      meta,
      effectiveAt,
    );
  }

  /**
   * Top-ups and bill payments carry the payment system's id, which must take effect once, forever — even
   * when a retry arrives in a later period. The first arrival claims `payment-<id>` and records the
   * period it is booked in; a retry is decided in that same period, where the ledger recognises it.
   * A payment dated in a period already closed is booked in the current period.
   */
  async onPayment(
    accountId: string,
    command: Extract<LedgerCommand, { type: 'TopUp' | 'PayBill' }>,
    meta: CommandMeta,
  ): Promise<CommandOutcome> {
    const account = await this.account(accountId);
    let bookedAt = command.at;
    const datedPeriod = periodOf(command.at, account.timeZone);
    const dated = await this.ledgers.exists(ledgerStream(accountId, datedPeriod.id));
    if (
      dated &&
      (await this.ledgers.load(ledgerStream(accountId, datedPeriod.id))).state.phase === 'closed'
    ) {
      bookedAt = this.clock.now().toISOString();
    }
    const claimStream = paymentStream(command.paymentId);
    await this.store.append(
      claimStream,
      [
        {
          id: deterministicEventId(`${claimStream}/claim`),
          type: 'PaymentClaimed',
          data: { paymentId: command.paymentId, accountId, amount: command.amount, bookedAt },
          metadata: {
            commandId: meta.commandId,
            actor: meta.actor,
            recordedAt: this.clock.now().toISOString(),
          },
        },
      ],
      'any',
    );
    const [claim] = await this.store.readStream(claimStream, { maxCount: 1 });
    const claimed = claim!.data as { accountId: string; amount: string; bookedAt: string };
    if (claimed.accountId !== accountId || claimed.amount !== command.amount) {
      throw new CommandRejectedError(
        'PAYMENT_ID_REUSED',
        `Payment ${command.paymentId} was already registered with another account or amount`,
        'paymentId',
      );
    }
    return this.onLedger(accountId, claimed.bookedAt, command, meta);
  }

  /** The state of the period containing `at` (opening it, and closing earlier ones, when needed). */
  async ledgerState(accountId: string, at: string): Promise<LedgerState> {
    const account = await this.account(accountId);
    const period = periodOf(at, account.timeZone);
    await this.ensurePeriodOpen(account, period);
    return (await this.ledgers.load(ledgerStream(accountId, period.id))).state;
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
    const account = await this.account(accountId);
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
      if (await this.ledgers.exists(stream)) {
        const events = await this.store.readStream(stream);
        const limit = Date.parse(at);
        return events
          .filter((e, index) => {
            if (index === 0) return true; // PeriodOpened: the carried-over state
            const time = basis === 'effective' ? e.metadata.effectiveAt : e.metadata.recordedAt;
            return Date.parse(String(time)) <= limit;
          })
          .reduce(
            (state, e) => evolveLedger(state, { type: e.type, data: e.data } as LedgerEvent),
            initialLedgerState(),
          );
      }
      period = previousPeriod(period);
    }
    return initialLedgerState();
  }

  contextFor(account: NonNullable<AccountState['facts']>): LedgerContext {
    return {
      profile: this.profiles.get(account.profileId, account.profileVersion),
      rate: this.catalog.rate,
      timeZone: account.timeZone,
    };
  }

  /**
   * Makes sure the period's stream exists: the account's first period opens empty; a later one is opened
   * from the previous period's closing state, closing that period first if it is still open.
   */
  private async ensurePeriodOpen(
    account: NonNullable<AccountState['facts']>,
    period: ReportingPeriod,
  ): Promise<void> {
    const stream = ledgerStream(account.accountId, period.id);
    if (await this.ledgers.exists(stream)) return;
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
    await this.ledgers.decide(
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
  async closePeriod(
    account: NonNullable<AccountState['facts']>,
    period: ReportingPeriod,
  ): Promise<CarriedState> {
    const stream = ledgerStream(account.accountId, period.id);
    const closedAt = this.clock.now().toISOString();
    if (Date.parse(closedAt) < Date.parse(period.endsAt)) {
      throw new CommandRejectedError('PERIOD_NOT_ENDED', `Period ${period.id} ends at ${period.endsAt}`);
    }
    await this.ledgers.decide(
      stream,
      (state) =>
        decideLedger(
          { type: 'ClosePeriod', at: closedAt, timeZone: account.timeZone },
          state,
          this.contextFor(account),
        ),
      { commandId: `close-period/${account.accountId}/${period.id}`, actor: 'billing-engine' },
      period.endsAt,
    );
    const { state } = await this.ledgers.load(stream);
    return closingCarry(state);
  }
}

function closingCarry(state: LedgerState): CarriedState {
  if (state.phase !== 'closed')
    throw new Error(`Period ${state.periodId} of ${state.accountId} did not close`);
  return state.closedCarry!;
}
