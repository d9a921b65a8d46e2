import { Inject, Injectable } from '@nestjs/common';
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
@Injectable()
export class PeriodLedgers {
  private readonly memo = new Map<string, PeriodLedger>();

  private readonly size = 5_000;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

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
    this.memo.delete(recorded.streamId);
    this.memo.set(recorded.streamId, ledger);
    if (this.memo.size > this.size) this.memo.delete(this.memo.keys().next().value!);
    return ledger;
  }
}
