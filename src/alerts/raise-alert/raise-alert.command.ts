import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { alertIdOf } from '../../domain/alerts/alert-events.js';
import type { RaiseAlertCommand, RearmAlertCommand } from '../../domain/alerts/alerts-decide.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { AlertBook } from '../alert-book.js';

/**
 * A threshold crossed (sent by the alert reactor): stored as one AlertRaised, which the delivery outbox
 * sends. Refused when that alert was raised already (ALERT_ALREADY_RAISED), is not re-armed yet
 * (ALERT_NOT_ARMED) or comes from an older crossing than the last one seen (ALERT_STALE).
 */
export class RaiseAlert extends Command<CommandOutcome> {
  constructor(
    readonly alert: RaiseAlertCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }

  /** The command id: from the alert id, so a retry is recognised before deciding. */
  static commandIdOf(alert: RaiseAlertCommand): string {
    return `raise-alert/${alertIdOf(alert.accountId, alert)}`;
  }
}

/** A balance-type alert's value is back on the safe side: the next crossing alerts again. */
export class RearmAlert extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly rearm: RearmAlertCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RaiseAlert)
export class RaiseAlertHandler implements ICommandHandler<RaiseAlert> {
  constructor(@Inject(AlertBook) private readonly alerts: AlertBook) {}

  execute({ alert, meta }: RaiseAlert): Promise<CommandOutcome> {
    return this.alerts.decide(alert.accountId, alert, meta, alert.at);
  }
}

@CommandHandler(RearmAlert)
export class RearmAlertHandler implements ICommandHandler<RearmAlert> {
  constructor(@Inject(AlertBook) private readonly alerts: AlertBook) {}

  execute({ accountId, rearm, meta }: RearmAlert): Promise<CommandOutcome> {
    return this.alerts.decide(accountId, rearm, meta, rearm.at);
  }
}
