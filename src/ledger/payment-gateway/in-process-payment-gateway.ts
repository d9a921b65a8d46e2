import type { CardChargeRequest, GatewayAnswer, PaymentGateway } from './payment-gateway.port.js';

/**
 * An in-process gateway double for tests and the simulation: answers each new request id with the next
 * queued answer (or the default), and the same answer again for a request id it has seen (idempotency).
 */
export class InProcessPaymentGateway implements PaymentGateway {
  /** Every call, repeats included, in order. */
  readonly calls: CardChargeRequest[] = [];
  private readonly answered = new Map<string, GatewayAnswer>();
  private readonly queue: GatewayAnswer[];

  constructor(
    answers: Array<GatewayAnswer | 'succeeded' | 'failed'> = [],
    private readonly fallback: GatewayAnswer = { status: 'succeeded' },
  ) {
    this.queue = answers.map(toAnswer);
  }

  /** Queues the answers to the next new requests. */
  answerNext(...answers: Array<GatewayAnswer | 'succeeded' | 'failed'>): void {
    this.queue.push(...answers.map(toAnswer));
  }

  chargeCard(request: CardChargeRequest): Promise<GatewayAnswer> {
    this.calls.push({ ...request });
    let answer = this.answered.get(request.requestId);
    if (!answer) {
      answer = this.queue.shift() ?? this.fallback;
      this.answered.set(request.requestId, answer);
    }
    return Promise.resolve(answer);
  }
}

const toAnswer = (answer: GatewayAnswer | 'succeeded' | 'failed'): GatewayAnswer =>
  answer === 'succeeded'
    ? { status: 'succeeded' }
    : answer === 'failed'
      ? { status: 'failed', reason: 'card declined' }
      : answer;
