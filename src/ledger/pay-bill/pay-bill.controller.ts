import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  EFFECTIVE_TIME_WINDOW,
  assertWithinEffectiveTimeWindow,
  type EffectiveTimeWindow,
} from '../../platform/http/effective-time.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { IsExternalIdPipe } from '../../platform/http/external-id.pipe.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { PayBill } from './pay-bill.command.js';
import { PayBillDto } from './pay-bill.dto.js';

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/bills/:billId/payments')
export class PayBillController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EFFECTIVE_TIME_WINDOW) private readonly window: EffectiveTimeWindow,
  ) {}

  /** Full, partial or over-payment of a bill; any excess stays on the personal account. */
  @Post()
  @HttpCode(201)
  @RequireScopes('payments:write')
  @ApiCommand({
    summary: 'Pay a bill',
    description:
      'Full, partial or more (the excess stays on the balance); a period, mid-period or top-up bill.',
    params: [
      { name: 'accountId', description: 'The account', example: 'romashka' },
      { name: 'billId', description: 'The bill', example: 'romashka-2026-03' },
    ],
    body: PayBillDto,
    examples: {
      bankTransfer: {
        value: { paymentId: 'pp-1', amount: '386.88', currency: 'RUB', channel: 'bank-transfer' },
      },
    },
  })
  pay(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('billId', IsExternalIdPipe) billId: string,
    @Body() body: PayBillDto,
    @Meta() meta: CommandMeta,
  ) {
    const { paymentId, amount, currency, channel } = body;
    const now = this.clock.now();
    assertWithinEffectiveTimeWindow(body.paidAt, 'paidAt', now, this.window);
    const at = body.paidAt ?? now.toISOString();
    return this.commands.execute(
      new PayBill(accountId, billId, { paymentId, amount, currency, channel, at }, meta),
    );
  }
}
