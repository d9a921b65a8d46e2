import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { RecordRefundResult, type RefundResult } from './record-refund-result.command.js';
import { RecordRefundResultDto } from './record-refund-result.dto.js';

/** The payment gateway's callback: its answer to a refund it answered `pending` at first. */
@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/payment-gateway/refunds/:refundId')
export class RecordRefundResultController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @RequireScopes('payments:write')
  @ApiCommand({
    summary: "The payment gateway's answer to a refund",
    description:
      '`succeeded` completes the part (`paymentId`) or every part still waiting; `failed` puts its money ' +
      'back on the balance. The same answer again stores nothing.',
    status: 200,
    params: [{ name: 'refundId', description: 'The refund', example: 'refund-0001' }],
    body: RecordRefundResultDto,
    examples: { succeeded: { value: { accountId: 'anna', status: 'succeeded' } } },
  })
  answer(
    @Param('refundId') refundId: string,
    @Body() body: RecordRefundResultDto,
    @Meta() meta: CommandMeta,
  ) {
    const result: RefundResult =
      body.status === 'succeeded'
        ? {
            status: 'completed',
            ...(body.gatewayReference ? { gatewayReference: body.gatewayReference } : {}),
          }
        : { status: 'failed', reason: body.reason ?? 'refused by the gateway' };
    return this.commands.execute(
      new RecordRefundResult(body.accountId, refundId, result, body.paymentId, meta),
    );
  }
}
