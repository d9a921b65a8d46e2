import { Inject, Injectable, Optional } from '@nestjs/common';
import Big from 'big.js';
import { periodSpendOf } from '../domain/alerts/alert-detection.js';
import type { LedgerEvent } from '../domain/ledger/ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from '../domain/ledger/ledger-state.js';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../platform/event-store/event-store.port.js';

/** One period of an account's ledger as of a log position: its state and its spend by project. */
export interface PeriodLedger {
  position: bigint;
  /** The stream revision of the last event folded in. */
  revision: number;
  state: LedgerState;
  spendByProject: Map<string, Big>;
}

/** Folds one ledger event into a period's ledger: the domain's own evolve, plus the charge by project. */
export function foldPeriodLedger(before: PeriodLedger | undefined, recorded: RecordedEvent): PeriodLedger {
  const event = { type: recorded.type, data: recorded.data } as LedgerEvent;
  const spendByProject = new Map(before?.spendByProject ?? []);
  const spent = periodSpendOf(event);
  if (spent)
    spendByProject.set(spent.project, (spendByProject.get(spent.project) ?? new Big(0)).plus(spent.amount));
  return {
    position: recorded.position,
    revision: recorded.revision,
    state: evolveLedger(before?.state ?? initialLedgerState(), event),
    spendByProject,
  };
}

/**
 * Period ledgers as of the events the alert reactor follows. The reactor sees the log in order, so the
 * period's ledger as of the previous event plus this one is the ledger as of this one; anything else (a
 * restart, a replay, an evicted entry) folds the period's stream up to the event again.
 */
/**
 * How many period ledgers the memo keeps: a budget of events folded into them, each counting
 * `eventsPerLedger` more for its fixed part (a ledger state weighs ≈ 0.9 KiB per such event, issue 18's memory
 * bench: ≈ 94 KiB at month end), and at most `maxLedgers` of them.
 */
export interface PeriodLedgersBound {
  readonly maxEvents: number;
  readonly maxLedgers: number;
  readonly eventsPerLedger: number;
}
export const PERIOD_LEDGERS_BOUND = Symbol('PeriodLedgersBound');
/** ≈ 18 MiB: 5 000 light ledgers, or ≈ 190 at month end (the memo only serves accounts that ask for alerts). */
export const DEFAULT_PERIOD_LEDGERS_BOUND: PeriodLedgersBound = {
  maxEvents: 20_000,
  maxLedgers: 5_000,
  eventsPerLedger: 6,
};

@Injectable()
export class PeriodLedgers {
  private readonly memo = new Map<string, PeriodLedger>();
  private weight = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional()
    @Inject(PERIOD_LEDGERS_BOUND)
    private readonly bound: PeriodLedgersBound = DEFAULT_PERIOD_LEDGERS_BOUND,
  ) {}

  /** What the memo holds now: ledgers, and their weight against the bound's events. */
  use(): { ledgers: number; weight: number } {
    return { ledgers: this.memo.size, weight: this.weight };
  }

  private weightOf(ledger: PeriodLedger): number {
    return ledger.revision + 1 + this.bound.eventsPerLedger;
  }

  async asOf(recorded: RecordedEvent): Promise<PeriodLedger> {
    const known = this.memo.get(recorded.streamId);
    let ledger: PeriodLedger;
    // Extended only by the stream's very next event: no event of the period was skipped.
    if (known && known.revision + 1 === recorded.revision) {
      ledger = foldPeriodLedger(known, recorded);
    } else {
      const events = await this.store.readStream(recorded.streamId);
      ledger = events
        .filter((e) => e.position <= recorded.position)
        .reduce<PeriodLedger | undefined>(foldPeriodLedger, undefined)!;
    }
    if (known) {
      this.memo.delete(recorded.streamId);
      this.weight -= this.weightOf(known);
    }
    this.memo.set(recorded.streamId, ledger);
    this.weight += this.weightOf(ledger);
    // Least recently used first, never the ledger just folded (one heavier than the budget stays alone).
    for (const [streamId, old] of this.memo) {
      if (this.weight <= this.bound.maxEvents && this.memo.size <= this.bound.maxLedgers) break;
      if (streamId === recorded.streamId) continue;
      this.memo.delete(streamId);
      this.weight -= this.weightOf(old);
    }
    return ledger;
  }
}
