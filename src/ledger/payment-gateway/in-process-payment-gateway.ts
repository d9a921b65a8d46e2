import type {
  CardChargeRequest,
  GatewayAnswer,
  PaymentGateway,
  RefundAnswer,
  RefundPayoutRequest,
} from './payment-gateway.port.js';

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

  /** Every refund call, repeats included, in order. */
  readonly refundCalls: RefundPayoutRequest[] = [];
  /** Refund parts paid out: one per idempotency key, however often it was asked. */
  readonly refundsPaid = new Map<string, RefundPayoutRequest>();
  private readonly refundAnswered = new Map<string, RefundAnswer>();
  private readonly refundQueue: RefundAnswer[] = [];
  private refundFallback: RefundAnswer = { status: 'succeeded' };

  /** Queues the answers to the next new refund parts. */
  answerNextRefunds(...answers: Array<RefundAnswer | 'succeeded' | 'failed' | 'pending'>): void {
    this.refundQueue.push(...answers.map(toRefundAnswer));
  }

  /** The answer to refund parts once the queue is empty. */
  answerRefundsWith(answer: RefundAnswer | 'succeeded' | 'failed' | 'pending'): void {
    this.refundFallback = toRefundAnswer(answer);
  }

  refund(request: RefundPayoutRequest): Promise<RefundAnswer> {
    this.refundCalls.push({ ...request });
    let answer = this.refundAnswered.get(request.idempotencyKey);
    if (!answer) {
      answer = this.refundQueue.shift() ?? this.refundFallback;
      this.refundAnswered.set(request.idempotencyKey, answer);
      if (answer.status === 'succeeded') this.refundsPaid.set(request.idempotencyKey, { ...request });
    }
    return Promise.resolve(answer);
  }
}

const toRefundAnswer = (answer: RefundAnswer | 'succeeded' | 'failed' | 'pending'): RefundAnswer =>
  answer === 'succeeded'
    ? { status: 'succeeded' }
    : answer === 'failed'
      ? { status: 'failed', reason: 'refund refused' }
      : answer === 'pending'
        ? { status: 'pending' }
        : answer;

const toAnswer = (answer: GatewayAnswer | 'succeeded' | 'failed'): GatewayAnswer =>
  answer === 'succeeded'
    ? { status: 'succeeded' }
    : answer === 'failed'
      ? { status: 'failed', reason: 'card declined' }
      : answer;
