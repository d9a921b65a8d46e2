import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { ChangePaymentMethodDto } from './change-payment-method.dto.js';
import { ChangePaymentMethod } from './change-payment-method.command.js';

/** The account's payment method (seed 004): bank transfer or card. */
@ApiCapability('Accounts', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId')
export class ChangePaymentMethodController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put('payment-method')
  @HttpCode(200)
  @RequireScopes('accounts:write')
  @ApiCommand({
    method: 'PUT',
    summary: 'Change how an account pays',
    params: [{ name: 'accountId', description: 'The account', example: 'anna' }],
    body: ChangePaymentMethodDto,
    examples: { card: { value: { paymentMethod: 'card' } } },
  })
  change(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: ChangePaymentMethodDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(
      new ChangePaymentMethod(
        { accountId, paymentMethod: body.paymentMethod, at: this.clock.now().toISOString() },
        meta,
      ),
    );
  }
}
