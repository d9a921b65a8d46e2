import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { detectAlerts, watchesNothing } from '../../domain/alerts/alert-detection.js';
import { alertIdOf } from '../../domain/alerts/alert-events.js';
import { CommandRejectedError } from '../../platform/commands/command-outcome.js';
import type { RecordedEvent } from '../../platform/event-store/event-store.port.js';
import { accountIdOfAlertsStream, ledgerStreamParts } from '../../platform/event-store/stream-names.js';
import type {
  StoredEventPublished,
  StoredEventReactor,
} from '../../../projections/workers/stored-event-published.js';
import { AlertBook } from '../alert-book.js';
import { PeriodLedgers } from '../period-ledger.js';
import { RaiseAlert, RearmAlert } from './raise-alert.command.js';

/** Accounts remembered as asking for no alert (a few MiB at most); beyond, the memory starts again. */
const MAX_QUIET_ACCOUNTS = 200_000;

/** What the reactor did about one command: stored it, or the decider said it was seen (a replay). */
export interface ReactorOutcome {
  command: 'RaiseAlert' | 'RearmAlert';
  /** The alert id (RaiseAlert) or the re-arming key (RearmAlert). */
  id: string;
  outcome: 'stored' | 'duplicate' | `refused: ${string}`;
}

/**
 * The alert reactor: follows the ledger as the event-bus feed delivers it (the checkpointed subscription, in log
 * order), folds each period's ledger as of the event (state and spend by project), and sends what
 * `detectAlerts` finds as named commands on the one command bus. The decider refuses what it has seen, so
 * the feed's at-least-once delivery and a replay store nothing twice — and the outbox, keyed by the
 * AlertRaised event, delivers nothing twice.
 */
@Injectable()
export class AlertReactor implements StoredEventReactor {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AlertBook) private readonly alerts: AlertBook,
    @Inject(PeriodLedgers) private readonly ledgers: PeriodLedgers,
  ) {}

  /**
   * Accounts found asking for no alert during the feed's run `quietRun`. The run delivers the whole log in
   * order, so until an event of an account's alerts stream is fed (whichever instance stored it) the account
   * still asks for none: its charges are skipped without reading its alerts stream (issue 18 — that read was
   * most of the reactor's cost per charge). A new run may follow a gap, so it starts with none known.
   */
  private quietRun: number | undefined;
  private readonly quiet = new Set<string>();

  handle(published: StoredEventPublished): void {
    const { event, feedRun } = published;
    if (feedRun === undefined || feedRun !== this.quietRun) {
      this.quiet.clear();
      this.quietRun = feedRun;
    }
    const alertsOf = accountIdOfAlertsStream(event.streamId);
    if (alertsOf !== undefined) {
      this.quiet.delete(alertsOf);
      return;
    }
    const parts = ledgerStreamParts(event.streamId);
    if (!parts || this.quiet.has(parts.accountId)) return;
    const foundQuiet = () => {
      if (feedRun === undefined || this.quietRun !== feedRun) return;
      if (this.quiet.size >= MAX_QUIET_ACCOUNTS) this.quiet.clear();
      this.quiet.add(parts.accountId);
    };
    // Tracked: the feed's checkpoint moves past the event only once its commands are decided.
    void published
      .track(this.react(event, foundQuiet))
      .catch((error: unknown) =>
        new Logger('AlertReactor').warn(`${published.event.id}: ${(error as Error)?.message ?? error}`),
      );
  }

  /**
   * Checks the thresholds as of one ledger event and sends the commands; returns what each did.
   * `foundQuiet` is told when the account asks for no alert now.
   */
  async react(recorded: RecordedEvent, foundQuiet?: () => void): Promise<ReactorOutcome[]> {
    const parts = ledgerStreamParts(recorded.streamId);
    if (!parts) return [];
    const state = await this.alerts.current(parts.accountId);
    // Most accounts ask for no alert: folding their ledger on every charge cost the command path ~15 %
    // (issue 18). Skipped events break the fold's chain, so a budget set later folds the period from the
    // log again at the next event (PeriodLedgers.asOf).
    if (watchesNothing(state)) {
      foundQuiet?.();
      return [];
    }
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
