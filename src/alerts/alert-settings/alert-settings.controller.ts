import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { SetAlertSettings } from './alert-settings.command.js';
import { SetAlertSettingsDto } from './alert-settings.dto.js';

@ApiCapability('Alerts', 400, 404, 422)
@Controller('v1/accounts/:accountId/alert-settings')
export class AlertSettingsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put()
  @HttpCode(200)
  @RequireScopes('accounts:write')
  @ApiCommand({
    method: 'PUT',
    summary: 'Set the balance alerts',
    description:
      'The low-balance warning level (an alert when the balance falls below it, before a freeze; "0": none) and the credit-limit alerts (50/80/100 % used). Each crossing alerts once, again after the value has recovered.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    body: SetAlertSettingsDto,
    examples: { both: { value: { lowBalanceThreshold: '500.00', creditLimitAlerts: true } } },
  })
  set(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: SetAlertSettingsDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(
      new SetAlertSettings(
        accountId,
        { lowBalanceThreshold: body.lowBalanceThreshold, creditLimitAlerts: body.creditLimitAlerts },
        this.clock.now().toISOString(),
        meta,
      ),
    );
  }
}
