import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { IsExternalIdPipe } from '../../platform/http/external-id.pipe.js';
import { CorrectionReasonDto } from '../adjust/adjust.dto.js';
import { VoidUsageRecord } from './void-usage.command.js';

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/usage/:usageRecordId/void')
export class VoidUsageRecordController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'Void a usage record',
    description:
      'Ops void a usage record of the open period or a closed one: what it charges is given back to the grants and sources it drew from, booked as ChargeCorrected in the open period. Twice → 422 USAGE_RECORD_ALREADY_VOIDED.',
    params: [
      { name: 'accountId', description: 'The account', example: 'anna' },
      { name: 'usageRecordId', description: 'The usage record', example: 'anna-vm-1' },
    ],
    body: CorrectionReasonDto,
    examples: {
      duplicate: { value: { reason: 'The meter sent this hour twice', reference: 'TICKET-101' } },
    },
  })
  void(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('usageRecordId', IsExternalIdPipe) usageRecordId: string,
    @Body() body: CorrectionReasonDto,
    @Meta() meta: CommandMeta,
  ): Promise<CommandOutcome> {
    const { reason, reference } = body;
    return this.commands.execute(
      new VoidUsageRecord(
        accountId,
        usageRecordId,
        { reason, reference },
        this.clock.now().toISOString(),
        meta,
      ),
    );
  }
}
