import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { SetCreditLimit } from './set-credit-limit.command.js';
import { SetCreditLimitDto } from './set-credit-limit.dto.js';

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/credit-limit')
export class SetCreditLimitController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put()
  @HttpCode(200)
  @RequireScopes('accounts:write')
  @ApiCommand({
    method: 'PUT',
    summary: 'Set the credit limit',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    body: SetCreditLimitDto,
    examples: { limit: { value: { creditLimit: '100000.00' } } },
  })
  set(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: SetCreditLimitDto,
    @Meta() meta: CommandMeta,
  ) {
    const at = this.clock.now().toISOString();
    return this.commands.execute(new SetCreditLimit(accountId, body.creditLimit, at, meta));
  }
}
