import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BillingService } from '../application/billing/billing.service.js';
import type { CommandMeta, CommandOutcome } from '../application/ledger/command-outcome.js';
import type { LedgerCommand } from '../domain/ledger/ledger-commands.js';
import { CommandMetrics } from '../application/metrics/command-metrics.js';

/**
 * Every money-moving use case (top-up, usage, grants, credit, bill payment, period close) is a ledger
 * command decided in the period that contains its effective time; each use case's controller builds it.
 */
export class RunLedgerCommand extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly effectiveAt: string,
    readonly command: LedgerCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RunLedgerCommand)
export class RunLedgerCommandHandler implements ICommandHandler<RunLedgerCommand> {
  constructor(
    @Inject(BillingService) private readonly billing: BillingService,
    @Inject(CommandMetrics) private readonly metrics: CommandMetrics,
  ) {}

  execute({ accountId, effectiveAt, command, meta }: RunLedgerCommand): Promise<CommandOutcome> {
    return this.metrics.measure(command.type, () =>
      command.type === 'TopUp' || command.type === 'PayBill'
        ? this.billing.onPayment(accountId, command, meta)
        : this.billing.onLedger(accountId, effectiveAt, command, meta),
    );
  }
}
