import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { RequestTopUpBill } from './request-top-up-bill.command.js';
import { RequestTopUpBillDto } from './request-top-up-bill.dto.js';

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/bills')
export class RequestTopUpBillController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * A bill for a top-up amount, dated today: the document issuer numbers it and renders it with the full
   * requisites (GET /v1/accounts/:id/documents); a payment naming it credits the balance.
   */
  @Post()
  @HttpCode(201)
  @RequireScopes('payments:write')
  @ApiCommand({
    summary: 'Request a bill for a top-up',
    description: 'A legal entity asks for a bill to pay an advance by bank transfer; its document follows.',
    params: [{ name: 'accountId', description: 'The account', example: 'vector' }],
    body: RequestTopUpBillDto,
    examples: { advance: { value: { billId: 'vector-advance-1', amount: '50000.00', currency: 'RUB' } } },
  })
  request(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: RequestTopUpBillDto,
    @Meta() meta: CommandMeta,
  ) {
    const { billId, amount, currency } = body;
    const at = this.clock.now().toISOString();
    return this.commands.execute(new RequestTopUpBill(accountId, { billId, amount, currency, at }, meta));
  }
}
