import { Inject, Injectable } from '@nestjs/common';
import type { AlertEvent } from '../domain/alerts/alert-events.js';
import { decideAlerts, type AlertCommand } from '../domain/alerts/alerts-decide.js';
import { evolveAlerts, initialAlertsState, type AlertsState } from '../domain/alerts/alerts-state.js';
import { AggregateStreams } from '../platform/commands/aggregate-streams.js';
import type { CommandMeta, CommandOutcome } from '../platform/commands/command-outcome.js';
import { CLOCK, type Clock } from '../platform/clock/clock.js';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store.port.js';
import { alertsStream } from '../platform/event-store/stream-names.js';

/** The alert book: each account's `alerts-<id>` stream — budgets, the low-balance warning level, raised alerts. */
@Injectable()
export class AlertBook {
  readonly streams: AggregateStreams<AlertsState, AlertEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) clock: Clock,
  ) {
    // ≈ 0.9 KiB a state even with no alert asked (most accounts): 5 000 ≈ 4.5 MiB (issue 18, memory).
    this.streams = new AggregateStreams(store, clock, initialAlertsState, evolveAlerts, 5_000);
  }

  /**
   * The state as the log has it now: the cached one unless another instance appended since (its revision
   * differs), so the reactor never misses a budget set through another instance.
   */
  async current(accountId: string): Promise<AlertsState> {
    const stream = alertsStream(accountId);
    const [loaded, revision] = await Promise.all([
      this.streams.load(stream),
      this.store.streamRevision(stream),
    ]);
    if (loaded.revision === revision) return loaded.state;
    this.streams.forget(stream);
    return (await this.streams.load(stream)).state;
  }

  decide(accountId: string, command: AlertCommand, meta: CommandMeta, at: string): Promise<CommandOutcome> {
    return this.streams.decide(alertsStream(accountId), (state) => decideAlerts(command, state), meta, at);
  }
}
