import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { Adjust } from './adjust.command.js';
import { AdjustDto } from './adjust.dto.js';

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/adjustments')
export class AdjustController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'Adjust charges',
    description:
      'Ops credit or debit an amount for a period (the open one or a closed one), with a reason: booked as ChargeCorrected in the open period; the same adjustmentId twice is booked once.',
    params: [{ name: 'accountId', description: 'The account', example: 'anna' }],
    body: AdjustDto,
    examples: {
      credit: {
        value: {
          adjustmentId: 'adj-2026-03-outage',
          direction: 'credit',
          amount: '500.00',
          period: '2026-03',
          service: 'Cloud Compute',
          reason: 'Compensation for the outage of 2026-03-09',
          reference: 'INC-2026-031',
        },
      },
    },
  })
  adjust(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: AdjustDto,
    @Meta() meta: CommandMeta,
  ): Promise<CommandOutcome> {
    const { adjustmentId, direction, amount, period, service, sku, reason, reference } = body;
    return this.commands.execute(
      new Adjust(
        accountId,
        { adjustmentId, direction, amount, period, service, sku, reason, reference },
        this.clock.now().toISOString(),
        meta,
      ),
    );
  }
}
