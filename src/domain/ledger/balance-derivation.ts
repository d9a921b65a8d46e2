/**
 * The derivation of a balance (issue 19): the opening balance a period carried in, then every event that moved
 * it, each with its movement and the balance after. The movements are not a second formula: each is the
 * difference the ledger's own evolve (`evolveLedger`) makes to the balance, so opening + movements is the
 * balance the account summary computes from the same events, to the kopeck.
 */
import type { LedgerEvent } from './ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from './ledger-state.js';

/** An event that moved the balance, and by how much. */
export interface BalanceMovement {
  readonly type: LedgerEvent['type'];
  /** Signed: positive credits the balance, negative spends it. */
  readonly amount: string;
  readonly balanceAfter: string;
}

/** Folds a period's events in, one at a time (nothing kept but the ledger state). */
export class BalanceDerivation {
  private state: LedgerState = initialLedgerState();
  private opened: string | undefined;

  /**
   * The first event must be the period's PeriodOpened: it gives the opening balance (returned as a movement
   * from zero). Every later event returns its movement, or null when it did not move the balance.
   */
  add(event: LedgerEvent): BalanceMovement | null {
    const before = this.state.balance;
    this.state = evolveLedger(this.state, event);
    if (event.type === 'PeriodOpened') {
      this.opened = this.state.balance.toFixed();
      return { type: event.type, amount: this.opened, balanceAfter: this.opened };
    }
    const amount = this.state.balance.minus(before);
    if (amount.eq(0)) return null;
    return { type: event.type, amount: amount.toFixed(), balanceAfter: this.state.balance.toFixed() };
  }

  get opening(): string {
    return this.opened ?? '0';
  }

  get balance(): string {
    return this.state.balance.toFixed();
  }
}
