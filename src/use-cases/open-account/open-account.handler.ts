import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { OpenAccountCommand as OpenAccount } from '../../domain/account/open-account.js';
import { BillingService } from '../../application/billing/billing.service.js';
import { CommandMetrics } from '../../application/metrics/command-metrics.js';
import type { CommandMeta, CommandOutcome } from '../../application/ledger/command-outcome.js';

export class OpenAccountCommand extends Command<CommandOutcome> {
  constructor(
    readonly payload: OpenAccount,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(OpenAccountCommand)
export class OpenAccountHandler implements ICommandHandler<OpenAccountCommand> {
  constructor(
    @Inject(BillingService) private readonly billing: BillingService,
    @Inject(CommandMetrics) private readonly metrics: CommandMetrics,
  ) {}

  execute({ payload, meta }: OpenAccountCommand): Promise<CommandOutcome> {
    return this.metrics.measure('OpenAccount', () => this.billing.openAccount(payload, meta));
  }
}
