import type { CommandBus } from '@nestjs/cqrs';
import { RecordRefundResult } from '../record-refund-result/record-refund-result.command.js';
import { CommandRejectedError } from '../../platform/commands/command-outcome.js';
import { refundPayoutKey, type PaymentGateway, type RefundPayoutRequest } from './payment-gateway.port.js';

export type RefundPayout = Omit<RefundPayoutRequest, 'idempotencyKey'>;

/**
 * What the refund worker does for each part of a refund: asks the gateway to pay it out (`<account>/<refund>/
 * <payment>` is its idempotency key, so a part asked again after a crash is paid once) and books an answer
 * given at once on the command bus; a `pending` answer arrives later through the callback endpoint. An answer
 * the ledger no longer expects (answered meanwhile through the callback) changes nothing.
 */
export function payOutRefund(gateway: PaymentGateway, commands: Pick<CommandBus, 'execute'>) {
  return async (part: RefundPayout): Promise<string> => {
    const idempotencyKey = refundPayoutKey(part.accountId, part.refundId, part.paymentId);
    const answer = await gateway.refund({ idempotencyKey, ...part });
    if (answer.status === 'pending') return 'pending';
    const meta = {
      commandId: `refund/${idempotencyKey}/${answer.status}`,
      actor: 'payment-gateway',
      causationId: idempotencyKey,
    };
    const result =
      answer.status === 'succeeded'
        ? {
            status: 'completed' as const,
            ...(answer.gatewayReference ? { gatewayReference: answer.gatewayReference } : {}),
          }
        : { status: 'failed' as const, reason: answer.reason };
    try {
      await commands.execute(
        new RecordRefundResult(part.accountId, part.refundId, result, part.paymentId, meta),
      );
    } catch (error) {
      if (!(error instanceof CommandRejectedError)) throw error;
    }
    return answer.status;
  };
}
