import type { CommandBus } from '@nestjs/cqrs';
import { AnswerAutoTopUp } from '../answer-auto-top-up/answer-auto-top-up.command.js';
import { CommandRejectedError } from '../../platform/commands/command-outcome.js';
import type { CardChargeRequest, PaymentGateway } from './payment-gateway.port.js';

/**
 * What the auto top-up worker does for each request: asks the gateway (the request id is its idempotency
 * key) and books an answer given at once; a `pending` answer arrives later through the callback endpoint.
 * An answer the ledger no longer expects (answered meanwhile through the callback) changes nothing.
 */
export function requestAutoTopUp(gateway: PaymentGateway, commands: Pick<CommandBus, 'execute'>) {
  return async (request: CardChargeRequest): Promise<string> => {
    const answer = await gateway.chargeCard(request);
    if (answer.status === 'pending') return 'pending';
    const meta = {
      commandId: `auto-top-up/${request.requestId}/${answer.status}`,
      actor: 'payment-gateway',
      causationId: request.requestId,
    };
    try {
      await commands.execute(new AnswerAutoTopUp(request.requestId, answer, meta));
    } catch (error) {
      if (!(error instanceof CommandRejectedError)) throw error;
    }
    return answer.status;
  };
}
