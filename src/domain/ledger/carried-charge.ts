import Big from 'big.js';
import { drawFunding } from './funding.js';
import type { LedgerEventOf } from './ledger-events.js';
import { grantsDrawn, type LedgerState } from './ledger-state.js';
import { drawUnspent } from './refund-state.js';

/**
 * A charge as it changes what a period carries on (`carriedState`): the balance, the funding queue, the
 * unspent deposits and what the grants have left — and nothing of the period's own totals (per service,
 * SKU, project and hour, the record ids), which `evolveLedger` keeps as well and which a state restored from
 * what it carries starts without. For a reader that keeps the carried state only (the account summary's
 * snapshot), a quarter of the charge's work. Proven to carry the same as `evolveLedger` by
 * carried-charge.property.spec.
 */
export function chargedCarryOnly(
  state: LedgerState,
  d: LedgerEventOf<'ResourceConsumed'>['data'],
): LedgerState {
  const fromBalance = new Big(d.fromBalance);
  return {
    ...state,
    grants: grantsDrawn(state.grants, d.fromGrants),
    balance: state.balance.minus(fromBalance),
    funding: drawFunding(state.funding, fromBalance).rest,
    unspentDeposits: drawUnspent(state.unspentDeposits, fromBalance),
  };
}
