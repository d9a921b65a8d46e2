import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { BillingService } from '../../application/billing/billing.service.js';
import { CLOCK, type Clock } from '../../application/clock/clock.js';
import type { CommandMeta } from '../../application/ledger/command-outcome.js';
import { Roles } from '../../http/auth/roles.js';
import { Meta } from '../../http/command-meta.decorator.js';
import { IsExternalIdPipe } from '../external-id.pipe.js';
import { AccountIdPipe } from '../account-id.pipe.js';
import { RunLedgerCommand } from '../run-ledger-command.js';
import { PayBillDto } from './pay-bill.dto.js';

@Controller('v1/accounts/:accountId/bills/:billId/payments')
export class PayBillController {
  constructor(
    private readonly commands: CommandBus,
    private readonly billing: BillingService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Full, partial or over-payment of a bill; any excess stays on the personal account. */
  @Post()
  @HttpCode(201)
  @Roles('service')
  async pay(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('billId', IsExternalIdPipe) billId: string,
    @Body() body: PayBillDto,
    @Meta() meta: CommandMeta,
  ) {
    await this.billing.accountInCurrency(accountId, body.currency);
    const at = body.paidAt ?? this.clock.now().toISOString();
    return this.commands.execute(
      new RunLedgerCommand(
        accountId,
        at,
        {
          type: 'PayBill',
          billId,
          paymentId: body.paymentId,
          amount: body.amount,
          channel: body.channel,
          at,
        },
        meta,
      ),
    );
  }
}
