import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { IsExternalIdPipe } from '../../platform/http/external-id.pipe.js';
import { RerateUsageRecord } from './rerate-usage.command.js';
import { RerateUsageDto } from './rerate-usage.dto.js';

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/usage/:usageRecordId/rerate')
export class RerateUsageRecordController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'Re-rate a usage record',
    description:
      'Ops re-rate a usage record with a corrected quantity and/or a price list version: the difference with what it charges now is booked as ChargeCorrected in the open period.',
    params: [
      { name: 'accountId', description: 'The account', example: 'anna' },
      { name: 'usageRecordId', description: 'The usage record', example: 'anna-vm-1' },
    ],
    body: RerateUsageDto,
    examples: {
      quantity: { value: { quantity: '900', reason: 'The meter over-counted', reference: 'TICKET-100' } },
    },
  })
  rerate(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('usageRecordId', IsExternalIdPipe) usageRecordId: string,
    @Body() body: RerateUsageDto,
    @Meta() meta: CommandMeta,
  ): Promise<CommandOutcome> {
    const { quantity, catalogVersion, reason, reference } = body;
    return this.commands.execute(
      new RerateUsageRecord(
        accountId,
        usageRecordId,
        { quantity, catalogVersion, reason, reference },
        this.clock.now().toISOString(),
        meta,
      ),
    );
  }
}
