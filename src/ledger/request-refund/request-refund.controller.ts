import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { RequestRefund } from './request-refund.command.js';
import { RequestRefundDto } from './request-refund.dto.js';

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/refunds')
export class RequestRefundController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'Refund unspent paid money',
    description:
      'Returns unspent deposits (never grants) to the payments they came by, oldest first; `amount: "all"` ' +
      'refunds everything refundable. The money leaves the balance at once; the gateway pays each part out.',
    params: [{ name: 'accountId', description: 'The account', example: 'anna' }],
    body: RequestRefundDto,
    examples: {
      partial: { value: { refundId: 'refund-0001', amount: '100.00', reason: 'customer request' } },
    },
  })
  request(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: RequestRefundDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(
      new RequestRefund(accountId, body.refundId, body.amount, body.reason, meta.actor, undefined, meta),
    );
  }
}
