import { Inject, Injectable } from '@nestjs/common';
import type { AccountFacts } from '../domain/account/account-events.js';
import type { LedgerCommandOf } from '../domain/ledger/ledger-commands.js';
import type { LedgerEvent } from '../domain/ledger/ledger-events.js';
import type { LedgerState } from '../domain/ledger/ledger-state.js';
import { usageRecordFacts, type UsageRecordFacts } from '../domain/ledger/usage-records.js';
import { lateUsageWindowDays } from '../domain/policies/policy-profile.js';
import { ProfileRegistry } from '../domain/policies/profile-registry.js';
import { nextPeriod, periodById, periodOf, type ReportingPeriod } from '../domain/shared/reporting-period.js';
import Big from 'big.js';
import { CLOCK, type Clock } from '../platform/clock/clock.js';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store.port.js';
import { ledgerStream } from '../platform/event-store/stream-names.js';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from './account-directory.js';
import { LedgerBook } from './ledger-book.js';

const DAY_MS = 86_400_000;

/**
 * What corrections (issue 14) need to know of an account's earlier periods before they are decided in the
 * open one: whether a usage record's period is closed, whether a record or an adjustment was booked in a
 * later period already (ids deduplicate forever), and a usage record as it stands after its corrections.
 * Reads only; the decision is the ledger book's.
 */
@Injectable()
export class LedgerHistory {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(ProfileRegistry) private readonly profiles: ProfileRegistry,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
  ) {}

  /**
   * Late usage: undefined when the usage instant's period is not closed (the record is charged in it as
   * usual); `duplicateIn` (the stream) when the record is booked already — in its own period, or late in one of the
   * periods its late window reaches; otherwise the closed period for BookLateUsage. `account`: looked up by
   * the caller, who decides with the same facts (one lookup per usage record, issue 18).
   */
  async lateUsage(
    account: AccountFacts,
    usage: { usageRecordId: string; sku: string },
    usageAt: string,
  ): Promise<
    { closedPeriod: LedgerCommandOf<'BookLateUsage'>['closedPeriod'] } | { duplicateIn: string } | undefined
  > {
    const { accountId } = account;
    const period = periodOf(usageAt, account.timeZone);
    // Asked of every usage record: the open period's cached state is looked at, not handed out (a hand-out
    // would make the next charge copy that state instead of changing it in place: AggregateStreams).
    if ((await this.phase(account, period.id)) !== 'closed') return undefined;
    const own = (await this.state(account, period.id))!;
    if (own.usageRecords.has(usage.usageRecordId)) return { duplicateIn: ledgerStream(accountId, period.id) };
    const profile = this.profiles.get(account.profileId, account.profileVersion);
    const windowEnds = Date.parse(period.endsAt) + lateUsageWindowDays(profile) * DAY_MS;
    let quantityBefore = own.skuQuantities.get(usage.sku) ?? new Big(0);
    for (const later of this.periodsAfter(period, account, windowEnds)) {
      const state = await this.state(account, later.id);
      if (!state) break;
      if (state.usageRecords.has(usage.usageRecordId))
        return { duplicateIn: ledgerStream(accountId, later.id) };
      for (const c of state.corrections.values()) {
        if (c.kind === 'late-usage' && c.correctsPeriod === period.id && c.sku === usage.sku)
          quantityBefore = quantityBefore.plus(c.quantityChange ?? '0');
      }
    }
    return {
      closedPeriod: { periodId: period.id, endsAt: period.endsAt, quantityBefore: quantityBefore.toFixed() },
    };
  }

  /**
   * Whether an adjustment id is booked already: in the period it corrects or any later one (an adjustment is
   * booked in the period open when it came, never before the one it corrects).
   */
  async adjustmentBooked(accountId: string, fromPeriodId: string, correctionId: string): Promise<boolean> {
    const account = await this.accounts.account(accountId);
    const from = periodById(fromPeriodId, account.timeZone);
    for (const period of [from, ...this.periodsAfter(from, account, Number.POSITIVE_INFINITY)]) {
      const state = await this.state(account, period.id);
      if (state?.corrections.has(correctionId)) return true;
    }
    return false;
  }

  /**
   * A usage record as it stands after its corrections, looked up by its id in every period of the account,
   * oldest first (ops correct rarely; a usage record id does not say its period).
   */
  async usageRecord(accountId: string, usageRecordId: string): Promise<UsageRecordFacts | undefined> {
    const account = await this.accounts.account(accountId);
    const first = periodById(account.openingPeriodId, account.timeZone);
    const periods: Array<{ periodId: string; events: LedgerEvent[] }> = [];
    for (const period of [first, ...this.periodsAfter(first, account, Number.POSITIVE_INFINITY)]) {
      const stream = ledgerStream(accountId, period.id);
      if (!(await this.ledger.streams.exists(stream))) continue;
      const events = await this.store.readStream(stream);
      periods.push({
        periodId: period.id,
        events: events.map((e) => ({ type: e.type, data: e.data }) as LedgerEvent),
      });
    }
    return usageRecordFacts(usageRecordId, periods);
  }

  /** The periods after `period` up to the current one, that start no later than `until` (ms). */
  private periodsAfter(period: ReportingPeriod, account: AccountFacts, until: number): ReportingPeriod[] {
    const current = periodOf(this.clock.now().toISOString(), account.timeZone);
    const periods: ReportingPeriod[] = [];
    for (let p = nextPeriod(period); p.id <= current.id && Date.parse(p.startsAt) <= until; p = nextPeriod(p))
      periods.push(p);
    return periods;
  }

  private phase(account: AccountFacts, periodId: string): Promise<LedgerState['phase'] | undefined> {
    return this.ledger.streams.inspectExisting(
      ledgerStream(account.accountId, periodId),
      (state) => state.phase,
    );
  }

  private async state(account: AccountFacts, periodId: string): Promise<LedgerState | undefined> {
    const stream = ledgerStream(account.accountId, periodId);
    if (!(await this.ledger.streams.exists(stream))) return undefined;
    return (await this.ledger.streams.load(stream)).state;
  }
}
