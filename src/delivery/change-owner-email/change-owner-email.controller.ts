import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { ChangeOwnerEmailDto } from './change-owner-email.dto.js';
import { ChangeOwnerEmail } from './change-owner-email.command.js';

/** Sets or changes the owner's e-mail: the act, VAT invoice and bill are e-mailed there (seeds 003/004). */
@ApiCapability('Delivery', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/owner-email')
export class ChangeOwnerEmailController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put()
  @HttpCode(200)
  @RequireScopes('accounts:write')
  @ApiCommand({
    method: 'PUT',
    summary: "Change the owner's e-mail",
    description: 'Where issued documents are e-mailed (sealed at rest).',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    body: ChangeOwnerEmailDto,
    examples: { accounting: { value: { ownerEmail: 'accounting@romashka.example' } } },
  })
  change(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: ChangeOwnerEmailDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(
      new ChangeOwnerEmail(accountId, body.ownerEmail, this.clock.now().toISOString(), meta),
    );
  }
}
