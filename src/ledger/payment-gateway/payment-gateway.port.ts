import type { PaymentChannel } from '../../domain/policies/policy-profile.js';

/** The DI token of the payment gateway that charges linked cards for auto top-ups. */
export const PAYMENT_GATEWAY = Symbol('PaymentGateway');

/** One request to charge an account's linked card; `requestId` is the gateway's idempotency key. */
export interface CardChargeRequest {
  requestId: string;
  accountId: string;
  amount: string;
  currency: string;
  attempt: number;
}

/**
 * The gateway's answer to a request: at once (`succeeded`, `failed`), or later through the callback
 * endpoint (`pending`: POST /v1/payment-gateway/auto-top-ups/:requestId).
 */
export type GatewayAnswer =
  { status: 'succeeded' } | { status: 'failed'; reason: string } | { status: 'pending' };

/**
 * The port to a card payment gateway. A request may be sent more than once (the worker delivers at least
 * once): the gateway must charge at most once per `requestId`.
 */
export interface PaymentGateway {
  chargeCard(request: CardChargeRequest): Promise<GatewayAnswer>;
  /** Returns one part of a refund to the payment it came by; at most once per `idempotencyKey`. */
  refund(request: RefundPayoutRequest): Promise<RefundAnswer>;
}

/**
 * One part of a refund: `amount` of the payment `paymentId` goes back by its channel — card money to the
 * card, a bank transfer to the payer's bank account. `idempotencyKey` = `<accountId>/<refundId>/<paymentId>`.
 */
export interface RefundPayoutRequest {
  idempotencyKey: string;
  accountId: string;
  refundId: string;
  paymentId: string;
  channel: PaymentChannel;
  amount: string;
  currency: string;
}

/**
 * The gateway's answer to a refund part: at once, or later through the callback endpoint (`pending`: POST
 * /v1/payment-gateway/refunds/:refundId).
 */
export type RefundAnswer =
  | { status: 'succeeded'; gatewayReference?: string }
  | { status: 'failed'; reason: string }
  | { status: 'pending' };

/** The gateway's idempotency key of one refund part. */
export const refundPayoutKey = (accountId: string, refundId: string, paymentId: string) =>
  `${accountId}/${refundId}/${paymentId}`;

/**
 * The gateway of a service without a gateway adapter configured: it records nothing and answers `pending`,
 * so a real gateway (wired outside the engine) answers through the callback endpoint.
 */
export class CallbackOnlyPaymentGateway implements PaymentGateway {
  chargeCard(): Promise<GatewayAnswer> {
    return Promise.resolve({ status: 'pending' });
  }

  refund(): Promise<RefundAnswer> {
    return Promise.resolve({ status: 'pending' });
  }
}
