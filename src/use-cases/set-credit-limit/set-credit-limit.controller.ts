import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../application/clock/clock.js';
import type { CommandMeta } from '../../application/ledger/command-outcome.js';
import { Roles } from '../../http/auth/roles.js';
import { Meta } from '../../http/command-meta.decorator.js';
import { AccountIdPipe } from '../account-id.pipe.js';
import { RunLedgerCommand } from '../run-ledger-command.js';
import { SetCreditLimitDto } from './set-credit-limit.dto.js';

@Controller('v1/accounts/:accountId/credit-limit')
export class SetCreditLimitController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put()
  @HttpCode(200)
  @Roles('service')
  set(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: SetCreditLimitDto,
    @Meta() meta: CommandMeta,
  ) {
    const at = this.clock.now().toISOString();
    return this.commands.execute(
      new RunLedgerCommand(
        accountId,
        at,
        { type: 'SetCreditLimit', creditLimit: body.creditLimit, at },
        meta,
      ),
    );
  }
}
