import { Inject, Injectable } from '@nestjs/common';
import type { AccountEvent, AccountFacts } from '../domain/account/account-events.js';
import { evolveAccount, initialAccountState, type AccountState } from '../domain/account/account-state.js';
import type { DecisionResult } from '../platform/commands/aggregate-streams.js';
import { AggregateStreams } from '../platform/commands/aggregate-streams.js';
import { CLOCK, type Clock } from '../platform/clock/clock.js';
import {
  CommandRejectedError,
  NotFoundError,
  type CommandMeta,
  type CommandOutcome,
} from '../platform/commands/command-outcome.js';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store.port.js';
import { accountStream } from '../platform/event-store/stream-names.js';
import type { AccountDirectory } from '../ledger/account-directory.js';
import {
  PersonalDataVault,
  personalDataCodec,
  type RetentionKeyInfo,
} from '../platform/personal-data/personal-data-vault.js';

/**
 * The account book: each account's own stream (`account-<id>`) — who the customer is, the contract and
 * profile, legal details (sealed at rest), deletion. Loads it (cached) and runs account decisions on it.
 */
@Injectable()
export class AccountBook implements AccountDirectory {
  readonly streams: AggregateStreams<AccountState, AccountEvent>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(PersonalDataVault) private readonly vault: PersonalDataVault,
  ) {
    this.streams = new AggregateStreams(
      store,
      clock,
      initialAccountState,
      evolveAccount,
      20_000,
      personalDataCodec(vault),
    );
  }

  /** The whole account state (facts and legal details); `facts` is undefined for an unknown account. */
  async state(accountId: string): Promise<AccountState> {
    return (await this.streams.load(accountStream(accountId))).state;
  }

  /** The account's facts; NotFoundError (404) when it does not exist. */
  async account(accountId: string): Promise<AccountFacts> {
    const { facts } = await this.state(accountId);
    if (!facts) throw new NotFoundError(`Account ${accountId} does not exist`);
    return facts;
  }

  /** The account, refusing an amount in another currency than the account's (fixed by residency). */
  async accountInCurrency(accountId: string, currency: string): Promise<AccountFacts> {
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

  decide(
    accountId: string,
    decision: (state: AccountState) => DecisionResult<AccountEvent>,
    meta: CommandMeta,
    effectiveAt: string,
  ): Promise<CommandOutcome> {
    return this.streams.decide(accountStream(accountId), decision, meta, effectiveAt);
  }

  /** The account's retention key (issued documents' personal requisites): until when and why; destroyed when. */
  retention(accountId: string): RetentionKeyInfo | undefined {
    return this.vault.retention(accountId);
  }

  /** Destroys the account's retention key: its documents' sealed requisites read as erased from now on. */
  endRetention(accountId: string, at: string): void {
    this.vault.destroyRetention(accountId, at);
  }

  /** Destroys the account's personal-data key: its sealed legal details become unreadable, forever. */
  shred(accountId: string, at: string): void {
    this.vault.destroy(accountId, at);
    this.streams.forget(accountStream(accountId));
  }
}
