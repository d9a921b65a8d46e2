import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { BillingService } from '../../application/billing/billing.service.js';
import { CLOCK, type Clock } from '../../application/clock/clock.js';
import type { CommandMeta } from '../../application/ledger/command-outcome.js';
import { Roles } from '../../http/auth/roles.js';
import { Meta } from '../../http/command-meta.decorator.js';
import { AccountIdPipe } from '../account-id.pipe.js';
import { RunLedgerCommand } from '../run-ledger-command.js';
import { TopUpDto } from './top-up.dto.js';

@Controller('v1/accounts/:accountId/top-ups')
export class TopUpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly billing: BillingService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('service')
  async topUp(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: TopUpDto,
    @Meta() meta: CommandMeta,
  ) {
    await this.billing.accountInCurrency(accountId, body.currency);
    const at = body.paidAt ?? this.clock.now().toISOString();
    return this.commands.execute(
      new RunLedgerCommand(
        accountId,
        at,
        { type: 'TopUp', paymentId: body.paymentId, amount: body.amount, channel: body.channel, at },
        meta,
      ),
    );
  }
}
