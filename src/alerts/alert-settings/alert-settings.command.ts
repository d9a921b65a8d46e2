import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AlertSettings } from '../../domain/alerts/alert-events.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { AccountBook } from '../../accounts/account-book.js';
import { AlertBook } from '../alert-book.js';

/**
 * The account's balance-type alerts: the low-balance warning level and the credit-limit alerts. Each
 * crossing alerts once; it alerts again once the value has been back on the safe side.
 */
export class SetAlertSettings extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly settings: AlertSettings,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(SetAlertSettings)
export class SetAlertSettingsHandler implements ICommandHandler<SetAlertSettings> {
  constructor(
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(AlertBook) private readonly alerts: AlertBook,
  ) {}

  async execute({ accountId, settings, at, meta }: SetAlertSettings): Promise<CommandOutcome> {
    await this.accounts.account(accountId);
    return this.alerts.decide(accountId, { type: 'SetAlertSettings', ...settings, at }, meta, at);
  }
}
