import Big from 'big.js';
import fc from 'fast-check';
import type { LedgerCommand, LedgerContext } from './ledger-commands.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent } from './ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { contextFor, deposited, eventsOf, periodOpened } from './ledger.fixtures.js';

/** A price of 1 per unit: a record of quantity q costs q (rated to 6 digits). */
const VK_PERSON = 'vk-individual-prepaid';
const HOUR = '2026-03-10T09:00:00.000Z';

const record = (id: string, quantity: string, second: number, sku = 'compute.vcpu'): LedgerCommand => {
  const at = new Date(Date.parse(HOUR) + second * 1000).toISOString();
  return { type: 'ConsumeResource', usageRecordId: id, sku, quantity, windowStart: at, windowEnd: at };
};

/** Runs commands one after another from a funded VK period; returns the period's state and charges. */
function run(commands: LedgerCommand[], context: LedgerContext = contextFor(VK_PERSON)) {
  let state: LedgerState = [periodOpened(), deposited('1000')].reduce(evolveLedger, initialLedgerState());
  const charges: string[] = [];
  for (const command of commands) {
    const events: LedgerEvent[] = eventsOf(decideLedger(command, state, context));
    for (const event of events) {
      if (event.type === 'ResourceConsumed') charges.push(event.data.amount);
      state = evolveLedger(state, event);
    }
  }
  return { state, charges, total: charges.reduce((sum, c) => sum.plus(c), new Big(0)) };
}

describe('sub-kopeck round-up per SKU and billing hour, not per usage record (§2)', () => {
  it('bills 3 600 per-second records of 0.0001 RUB in one hour as 0.36, not 36.00', () => {
    const commands = Array.from({ length: 3600 }, (_, s) => record(`s${s}`, '0.0001', s));
    const { total, state } = run(commands);
    expect(total.toFixed(2)).toBe('0.36');
    expect(state.balance.toFixed(2)).toBe('999.64');
  });

  it('still bills a lone sub-kopeck hour one kopeck, and each SKU and each hour on its own', () => {
    expect(run([record('a', '0.0001', 0)]).total.toFixed()).toBe('0.01');
    const twoHours = run([record('a', '0.0001', 0), record('b', '0.0001', 3600)]);
    expect(twoHours.charges).toEqual(['0.01', '0.01']);
    const twoSkus = run([record('a', '0.0001', 0), record('b', '0.0001', 1, 'storage.ssd')]);
    expect(twoSkus.charges).toEqual(['0.01', '0.01']);
  });

  it('charges the first record of an hour one kopeck and the next ones only what the hour adds beyond it', () => {
    const { charges } = run([record('a', '0.004', 0), record('b', '0.004', 1), record('c', '0.004', 2)]);
    expect(charges).toEqual(['0.01', '0', '0.002']);
  });

  it('gives the same total for any split of the same usage within an hour', () => {
    // Usage in millionths of a unit, split into records at any seconds of the hour, in any order.
    const split = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 3599 })), {
        minLength: 1,
        maxLength: 40,
      })
      .filter((parts) => parts.some(([micro]) => micro > 0));
    fc.assert(
      fc.property(split, fc.boolean(), (parts, vk) => {
        const context = contextFor(vk ? VK_PERSON : 'yc-legal-prepaid');
        const usage = parts.reduce((sum, [micro]) => sum.plus(new Big(micro).div(1_000_000)), new Big(0));
        const sliced = run(
          parts.map(([micro, second], i) => record(`r${i}`, new Big(micro).div(1_000_000).toFixed(), second)),
          context,
        );
        const whole = run([record('whole', usage.toFixed(), 0)], context);
        expect(sliced.total.toFixed()).toBe(whole.total.toFixed());
      }),
    );
  });
});
