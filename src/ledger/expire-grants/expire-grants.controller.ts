import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { ExpireGrants } from './expire-grants.command.js';

/** Records GrantExpired for every grant whose expiry has passed (the timeline scheduler calls this too). */
@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/grants/expire')
export class ExpireGrantsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireScopes('periods:write')
  @ApiCommand({
    summary: "Expire an account's grants",
    description: 'Grants past their expiry are written off (the deadline does this by itself).',
    status: 200,
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
  })
  expire(@Param('accountId', AccountIdPipe) accountId: string, @Meta() meta: CommandMeta) {
    const at = this.clock.now().toISOString();
    return this.commands.execute(new ExpireGrants(accountId, at, meta));
  }
}
