import {
  bookingTime,
  decideReleaseClaim,
  type ClaimPaymentCommand,
  type PaymentClaimEvent,
  type PaymentClaimed,
} from './payment-claim.js';
import { paymentClaim } from './payment-claim.fixtures.js';

const claim: ClaimPaymentCommand = {
  paymentId: 'bank-42',
  accountId: 'acc-1',
  amount: '1500.00',
  bookedAt: '2026-03-10T09:00:00.000Z',
};
const claimed: PaymentClaimed = { type: 'PaymentClaimed', data: claim };
const REUSED = {
  field: 'paymentId',
  message: 'Payment bank-42 was already registered with another account or amount',
};

describe('payment claim: a payment id takes effect once, forever', () => {
  it('claims an unclaimed id for the account, the amount and the booking time', () => {
    paymentClaim.given([]).when(claim).then([claimed]);
  });

  it('the same id, account and amount again is a duplicate, booked at the first claim’s time', () => {
    const retry = paymentClaim.given([claimed]);
    const retried = retry.when({ ...claim, bookedAt: '2026-04-02T10:00:00.000Z' });
    retried.thenNothing();
    expect(retried.decision).toEqual({ ok: true, events: [], duplicate: true });
    expect(retry.state?.bookedAt).toBe('2026-03-10T09:00:00.000Z');
  });

  it('refuses the id for another account', () => {
    paymentClaim
      .given([claimed])
      .when({ ...claim, accountId: 'acc-2' })
      .rejects('PAYMENT_ID_REUSED', REUSED);
  });

  it('the same amount written otherwise (1500 for 1500.00) is the same payment, not a reuse', () => {
    paymentClaim
      .given([claimed])
      .when({ ...claim, amount: '1500' })
      .thenNothing();
  });

  it('a released claim frees the id: the corrected payment claims it anew', () => {
    const released: PaymentClaimEvent = {
      type: 'PaymentClaimReleased',
      data: { paymentId: 'bank-42', accountId: 'acc-1', reason: 'BILL_NOT_OPEN', at: claim.bookedAt },
    };
    const corrected = { ...claim, amount: '1400.00' };
    paymentClaim
      .given([claimed, released])
      .when(corrected)
      .then([{ type: 'PaymentClaimed', data: corrected }]);
  });

  it('only the account that took the claim releases it', () => {
    const release = { paymentId: 'bank-42', reason: 'BILL_NOT_OPEN', at: claim.bookedAt };
    const state = paymentClaim.given([claimed]).state;
    expect(decideReleaseClaim({ ...release, accountId: 'acc-2' }, state)).toEqual({
      ok: true,
      events: [],
      duplicate: true,
    });
    expect(decideReleaseClaim({ ...release, accountId: 'acc-1' }, state)).toEqual({
      ok: true,
      events: [{ type: 'PaymentClaimReleased', data: { ...release, accountId: 'acc-1' } }],
    });
  });

  it('refuses the id for another amount', () => {
    paymentClaim
      .given([claimed])
      .when({ ...claim, amount: '1500.01' })
      .rejects('PAYMENT_ID_REUSED', REUSED);
  });

  it('keeps the first claim when a concurrent second one was appended too', () => {
    const second: PaymentClaimed = { type: 'PaymentClaimed', data: { ...claim, accountId: 'acc-2' } };
    expect(paymentClaim.given([claimed, second]).state).toEqual(claim);
  });
});

describe('booking time of a payment', () => {
  const now = '2026-04-02T10:00:00.000Z';
  it('books a payment dated in a closed period now, in the current period', () => {
    expect(bookingTime('2026-03-10T09:00:00.000Z', true, now)).toBe(now);
  });

  it('books a payment dated in an open period at its own time', () => {
    expect(bookingTime('2026-03-10T09:00:00.000Z', false, now)).toBe('2026-03-10T09:00:00.000Z');
  });
});
