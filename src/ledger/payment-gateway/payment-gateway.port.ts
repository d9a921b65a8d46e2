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
}

/**
 * The gateway of a service without a gateway adapter configured: it records nothing and answers `pending`,
 * so a real gateway (wired outside the engine) answers through the callback endpoint.
 */
export class CallbackOnlyPaymentGateway implements PaymentGateway {
  chargeCard(): Promise<GatewayAnswer> {
    return Promise.resolve({ status: 'pending' });
  }
}
