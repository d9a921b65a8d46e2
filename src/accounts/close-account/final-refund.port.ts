import type { CommandMeta } from '../../platform/commands/command-outcome.js';

/** The DI token of the closure saga's refund step. */
export const FINAL_REFUND = Symbol('FinalRefund');

/** Where a refund asked for at closure stands: asked and unanswered (or failed), or completed. */
export type FinalRefundStatus = 'pending' | 'completed';

/**
 * The closure saga's one contact with refunds (issue 14, item 4 builds them): after the final close, the
 * remaining balance is asked back in full. Wired at merge to the refunds use case — `request` sends
 * `new RequestRefund(accountId, refundId, 'all', reason, by, at)` on the command bus, `status` reads its
 * RefundCompleted / RefundFailed — in one place: the FINAL_REFUND provider of src/app.module.ts.
 */
export interface FinalRefund {
  request(refund: FinalRefundRequest, meta: CommandMeta): Promise<void>;
  status(accountId: string, refundId: string): Promise<FinalRefundStatus>;
}

export interface FinalRefundRequest {
  accountId: string;
  refundId: string;
  /** Always 'all': the whole remaining balance (grants are lost at closure, never refunded). */
  amount: 'all';
  reason: string;
  by: string;
  at: string;
}

/**
 * Until refunds are wired: asks nothing and answers 'pending', so an account with money left is never
 * deleted before its refund is completed (the deletion waits, asking again each day).
 */
export class RefundsNotWired implements FinalRefund {
  readonly requested: FinalRefundRequest[] = [];

  request(refund: FinalRefundRequest): Promise<void> {
    this.requested.push(refund);
    return Promise.resolve();
  }

  status(): Promise<FinalRefundStatus> {
    return Promise.resolve('pending');
  }
}
