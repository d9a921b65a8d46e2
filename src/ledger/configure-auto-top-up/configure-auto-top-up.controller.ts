import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { CommandRejectedError, type CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { problem } from '../../platform/http/problem-details.js';
import { ConfigureAutoTopUp } from './configure-auto-top-up.command.js';
import { ConfigureAutoTopUpDto } from './configure-auto-top-up.dto.js';

/** Rejections that are bad input for this request (the profile's bounds): 400, naming the field. */
const BAD_INPUT = new Set([
  'THRESHOLD_OUT_OF_RANGE',
  'AMOUNT_OUT_OF_RANGE',
  'UNKNOWN_CURRENCY',
  'INVALID_AMOUNT',
]);

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/auto-top-up')
export class ConfigureAutoTopUpController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put()
  @HttpCode(200)
  @RequireScopes('accounts:write')
  @ApiCommand({
    method: 'PUT',
    summary: 'Configure card auto top-up',
    description:
      'When the balance falls below the threshold, the card is charged the amount (bounds per profile).',
    params: [{ name: 'accountId', description: 'The account', example: 'anna' }],
    body: ConfigureAutoTopUpDto,
    examples: {
      enabled: { value: { threshold: '100.00', amount: '500.00', currency: 'RUB', enabled: true } },
    },
  })
  async configure(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: ConfigureAutoTopUpDto,
    @Meta() meta: CommandMeta,
  ) {
    const { threshold, amount, currency, enabled } = body;
    const at = this.clock.now().toISOString();
    try {
      return await this.commands.execute(
        new ConfigureAutoTopUp(accountId, { threshold, amount, currency, enabled }, at, meta),
      );
    } catch (error) {
      if (!(error instanceof CommandRejectedError && BAD_INPUT.has(error.code) && error.field)) throw error;
      throw problem(400, error.code, 'The request is invalid', error.message, {
        errors: [{ field: error.field, rule: error.code, message: error.message }],
      });
    }
  }
}
