import { Inject, Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { detectAlerts, watchesNothing } from '../../domain/alerts/alert-detection.js';
import { alertIdOf } from '../../domain/alerts/alert-events.js';
import { CommandRejectedError } from '../../platform/commands/command-outcome.js';
import type { RecordedEvent } from '../../platform/event-store/event-store.port.js';
import { ledgerStreamParts } from '../../platform/event-store/stream-names.js';
import { StoredEventPublished } from '../../../projections/workers/stored-event-published.js';
import { AlertBook } from '../alert-book.js';
import { PeriodLedgers } from '../period-ledger.js';
import { RaiseAlert, RearmAlert } from './raise-alert.command.js';

/** What the reactor did about one command: stored it, or the decider said it was seen (a replay). */
export interface ReactorOutcome {
  command: 'RaiseAlert' | 'RearmAlert';
  /** The alert id (RaiseAlert) or the re-arming key (RearmAlert). */
  id: string;
  outcome: 'stored' | 'duplicate' | `refused: ${string}`;
}

/**
 * The alert reactor: follows the ledger on the event bus (fed from the checkpointed subscription, in log
 * order), folds each period's ledger as of the event (state and spend by project), and sends what
 * `detectAlerts` finds as named commands on the one command bus. The decider refuses what it has seen, so
 * the feed's at-least-once delivery and a replay store nothing twice — and the outbox, keyed by the
 * AlertRaised event, delivers nothing twice.
 */
@EventsHandler(StoredEventPublished)
export class AlertReactor implements IEventHandler<StoredEventPublished> {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AlertBook) private readonly alerts: AlertBook,
    @Inject(PeriodLedgers) private readonly ledgers: PeriodLedgers,
  ) {}

  handle(published: StoredEventPublished): void {
    if (!ledgerStreamParts(published.event.streamId)) return;
    // Tracked: the feed's checkpoint moves past the event only once its commands are decided.
    void published
      .track(this.react(published.event))
      .catch((error: unknown) =>
        new Logger('AlertReactor').warn(`${published.event.id}: ${(error as Error)?.message ?? error}`),
      );
  }

  /** Checks the thresholds as of one ledger event and sends the commands; returns what each did. */
  async react(recorded: RecordedEvent): Promise<ReactorOutcome[]> {
    const parts = ledgerStreamParts(recorded.streamId);
    if (!parts) return [];
    const state = await this.alerts.current(parts.accountId);
    // Most accounts ask for no alert: folding their ledger on every charge cost the command path ~15 %
    // (issue 18). Skipped events break the fold's chain, so a budget set later folds the period from the
    // log again at the next event (PeriodLedgers.asOf).
    if (watchesNothing(state)) return [];
    const ledger = await this.ledgers.asOf(recorded);
    if (ledger.state.phase === 'not-opened') return [];
    const found = detectAlerts(
      {
        accountId: parts.accountId,
        periodId: parts.periodId,
        currency: ledger.state.currency,
        spendByProject: ledger.spendByProject,
        balance: ledger.state.balance,
        creditLimit: ledger.state.creditLimit,
        sourceEventId: recorded.id,
        sourcePosition: recorded.position.toString(),
        at: String(recorded.metadata.effectiveAt ?? recorded.storedAt.toISOString()),
      },
      state,
    );
    const outcomes: ReactorOutcome[] = [];
    for (const command of found) {
      const meta = { actor: 'alerts', causationId: recorded.id };
      const [name, id, sent] =
        command.type === 'RaiseAlert'
          ? ([
              'RaiseAlert',
              alertIdOf(command.accountId, command),
              new RaiseAlert(command, { ...meta, commandId: RaiseAlert.commandIdOf(command) }),
            ] as const)
          : ([
              'RearmAlert',
              command.key,
              new RearmAlert(parts.accountId, command, {
                ...meta,
                commandId: `rearm-alert/${parts.accountId}/${command.key}/${command.sourcePosition}`,
              }),
            ] as const);
      try {
        const result = await this.commands.execute(sent);
        outcomes.push({ command: name, id, outcome: result.eventTypes.length ? 'stored' : 'duplicate' });
      } catch (error) {
        if (!(error instanceof CommandRejectedError)) throw error;
        outcomes.push({ command: name, id, outcome: `refused: ${error.code}` });
      }
    }
    return outcomes;
  }
}
