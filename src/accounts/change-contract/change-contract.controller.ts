import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { ChangeContractDto } from './change-contract.dto.js';
import { ChangeContract } from './change-contract.command.js';

/** The account's terms after opening: the contract, scheme and profile. */
@ApiCapability('Accounts', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId')
export class ChangeContractController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put('contract')
  @HttpCode(200)
  @RequireScopes('accounts:write')
  @ApiCommand({
    method: 'PUT',
    summary: "Change an account's contract",
    description: 'The contract, payment scheme and policy profile from now on (the contract register).',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    body: ChangeContractDto,
    examples: {
      individualContract: {
        value: {
          contract: 'individual-contract',
          paymentScheme: 'postpaid',
          profileId: 'yc-legal-credit',
          agreement: { number: 'Д-2026/18', date: '2026-03-05' },
        },
      },
    },
  })
  change(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: ChangeContractDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(
      new ChangeContract({ accountId, ...body, at: this.clock.now().toISOString() }, meta),
    );
  }
}
