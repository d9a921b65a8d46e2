import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import {
  decideClaimPayment,
  evolvePaymentClaim,
  initialPaymentClaimState,
  type ClaimPaymentCommand,
  type PaymentClaimed,
  type PaymentClaimState,
} from './payment-claim.js';

/** The payment claim's decider specification: `paymentClaim.given([claimed]).when(retry).thenNothing()`. */
export const paymentClaim = DeciderSpecification.for<ClaimPaymentCommand, PaymentClaimed, PaymentClaimState>({
  decide: decideClaimPayment,
  evolve: evolvePaymentClaim,
  initialState: initialPaymentClaimState,
});
