import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import {
  decideClaimPayment,
  evolvePaymentClaim,
  initialPaymentClaimState,
  type ClaimPaymentCommand,
  type PaymentClaimEvent,
  type PaymentClaimState,
} from './payment-claim.js';

/** The payment claim's decider specification: `paymentClaim.given([claimed]).when(retry).thenNothing()`. */
export const paymentClaim = DeciderSpecification.for<
  ClaimPaymentCommand,
  PaymentClaimEvent,
  PaymentClaimState
>({
  decide: decideClaimPayment,
  evolve: evolvePaymentClaim,
  initialState: initialPaymentClaimState,
});
