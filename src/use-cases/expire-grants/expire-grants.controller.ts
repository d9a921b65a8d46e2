import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../application/clock/clock.js';
import type { CommandMeta } from '../../application/ledger/command-outcome.js';
import { Roles } from '../../http/auth/roles.js';
import { Meta } from '../../http/command-meta.decorator.js';
import { AccountIdPipe } from '../account-id.pipe.js';
import { RunLedgerCommand } from '../run-ledger-command.js';

/** Records GrantExpired for every grant whose expiry has passed (the timeline scheduler calls this too). */
@Controller('v1/accounts/:accountId/grants/expire')
export class ExpireGrantsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('service', 'ops')
  expire(@Param('accountId', AccountIdPipe) accountId: string, @Meta() meta: CommandMeta) {
    const at = this.clock.now().toISOString();
    return this.commands.execute(new RunLedgerCommand(accountId, at, { type: 'ExpireGrants', at }, meta));
  }
}
