import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { SetLowBalanceWarning } from './low-balance-warning.command.js';
import { SetLowBalanceWarningDto } from './low-balance-warning.dto.js';

@ApiCapability('Alerts', 400, 404, 422)
@Controller('v1/accounts/:accountId/alerts/low-balance')
export class LowBalanceWarningController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put()
  @HttpCode(200)
  @RequireScopes('accounts:write')
  @ApiCommand({
    method: 'PUT',
    summary: 'Set the low-balance warning level',
    description:
      'An alert (webhook and e-mail) when the balance falls below the level — before a freeze; again after the balance has been back above it. "0" turns it off.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    body: SetLowBalanceWarningDto,
    examples: { level: { value: { threshold: '500.00' } } },
  })
  set(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: SetLowBalanceWarningDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(
      new SetLowBalanceWarning(accountId, body.threshold, this.clock.now().toISOString(), meta),
    );
  }
}
