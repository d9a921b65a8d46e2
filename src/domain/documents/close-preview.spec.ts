import {
  consume,
  contextFor,
  eventsOf,
  given,
  grantIssued,
  periodOpened,
} from '../ledger/ledger.fixtures.js';
import type { LedgerEvent } from '../ledger/ledger-events.js';
import { evolveLedger, initialLedgerState } from '../ledger/ledger-state.js';
import { ClosePreviewRefusedError, previewClose } from './close-preview.js';

const stateOf = (...events: LedgerEvent[]) => events.reduce(evolveLedger, initialLedgerState());
/** A postpaid legal entity's March with `quantity` units of compute.vcpu used (1.00 each), by the real decider. */
const postpaidMarchWith = (quantity: string) => {
  const opened = periodOpened({}, 'vk-legal-postpaid');
  const used = eventsOf(
    given('vk-legal-postpaid', opened).when(consume(`u-${quantity}`, 'compute.vcpu', quantity)),
  );
  return stateOf(opened, ...used);
};

describe('previewClose: what the close would record, by the close decision itself', () => {
  it('a postpaid period in debt: the period bill the close raises, dated the day after the last day', () => {
    const state = postpaidMarchWith('250');
    const { closed, ledgerBill } = previewClose(state, contextFor('vk-legal-postpaid'));
    expect(closed).toMatchObject({ periodId: '2026-03', consumption: '250', closingBalance: '-250' });
    expect(ledgerBill).toMatchObject({ kind: 'period', amount: '250', issuedOn: '2026-04-01' });
  });

  it('a grant that expires by the period end is lost in the preview, as at the close', () => {
    const state = stateOf(
      periodOpened({}, 'vk-individual-prepaid'),
      grantIssued('g-1', '40', '2026-03-20T00:00:00.000Z'),
    );
    const { closed, ledgerBill } = previewClose(state, contextFor('vk-individual-prepaid'));
    expect(closed.grantsExpired).toBe('40');
    expect(ledgerBill).toBeUndefined();
  });

  it('does not change the state it previews', () => {
    const state = postpaidMarchWith('10');
    previewClose(state, contextFor('vk-legal-postpaid'));
    expect(state.phase).toBe('open');
    expect(state.openBills.size).toBe(0);
  });

  it('no open period: refused with NO_OPEN_PERIOD, as data', () => {
    expect(() => previewClose(initialLedgerState(), contextFor('vk-legal-postpaid'))).toThrow(
      expect.objectContaining({ code: 'NO_OPEN_PERIOD' }) as ClosePreviewRefusedError,
    );
  });
});
