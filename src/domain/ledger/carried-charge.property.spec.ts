import fc from 'fast-check';
import { chargedCarryOnly } from './carried-charge.js';
import { decideLedger } from './ledger-decide.js';
import { carriedState, evolveLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { periodHistory } from './ledger-history.fixtures.js';
import { consume, contextFor, deposited, grantIssued, periodOpened } from './ledger.fixtures.js';

/**
 * chargedCarryOnly folds a charge into what the period carries on and nothing else (the account summary
 * keeps only that): after every event of a history, what it carries must be what evolveLedger's state
 * carries — balance, funding, unspent deposits, grants (used-up ones too, as the summary keeps them).
 */
/** Random March histories: their events in order. */
const history = periodHistory().map((h) => h.events);

const carried = (state: LedgerState) => ({
  balance: state.balance.toFixed(),
  carried: carriedState(state, { keepUsedUpGrants: true }),
});

describe('chargedCarryOnly', () => {
  it('carries what evolveLedger carries after every event of random histories of every built-in profile', () => {
    let charges = 0;
    let fromGrants = 0;
    fc.assert(
      fc.property(history, (events) => {
        let full = initialLedgerState();
        let light = initialLedgerState();
        for (const event of events) {
          full = evolveLedger(full, event);
          light =
            event.type === 'ResourceConsumed'
              ? chargedCarryOnly(light, event.data)
              : evolveLedger(light, event);
          expect(carried(light)).toEqual(carried(full));
          if (event.type === 'ResourceConsumed') {
            charges += 1;
            if (event.data.fromGrants.length > 0) fromGrants += 1;
          }
        }
      }),
      { numRuns: 300, seed: 18 },
    );
    // The histories did charge, from the balance and from grants (a property over no charges proves nothing).
    expect(charges).toBeGreaterThan(1000);
    expect(fromGrants).toBeGreaterThan(100);
  });

  it('leaves the state it is given as it was', () => {
    const events = [periodOpened({ balance: '100' }), grantIssued('g-1', '5'), deposited('50', 'pay-1')];
    const state = events.reduce(evolveLedger, initialLedgerState());
    const before = carried(state);
    const charge = decideLedger(
      consume('u-1', 'compute.vcpu', '10'),
      state,
      contextFor('vk-individual-prepaid'),
    );
    if (!charge.ok) throw new Error('the charge was refused');
    const consumed = charge.events.find((e) => e.type === 'ResourceConsumed')!;
    if (consumed.type !== 'ResourceConsumed') throw new Error('no charge');
    const after = chargedCarryOnly(state, consumed.data);
    expect(carried(state)).toEqual(before);
    expect(after.balance.lt(state.balance)).toBe(true);
  });
});
