/**
 * Where the money spent from the personal account came from (§9: card-funded write-offs are left out of
 * legal entities' documents). Deposits are spent first in, first out; the unspent ones wait in a queue
 * by source, consecutive deposits of one source merged, so the queue stays as short as the number of
 * changes of channel. What a charge takes beyond the queue — the balance going below zero — is `credit`.
 * Grants are not in the queue: they are their own source (`fromGrants`).
 */
import Big from 'big.js';
import type { PaymentChannel } from '../policies/policy-profile.js';
import { isPositive } from '../shared/sign.js';

/**
 * A payment channel; `credit` — spent below zero (overdraft, credit limit, post-payment), owed and
 * documented as a debt; `unattributed` — a balance carried from before sources were tracked, counted
 * in documents as it always was.
 */
export type FundingSource = PaymentChannel | 'credit' | 'unattributed';

/** An amount from one source, as events and the carried state record it (a decimal string). */
export interface FundingPart {
  source: FundingSource;
  amount: string;
}

/** Unspent deposits by source, oldest first; their sum is the balance above zero. */
export type FundingQueue = ReadonlyArray<{ readonly source: FundingSource; readonly amount: Big }>;

export const EMPTY_FUNDING: FundingQueue = [];

/** Whether money from `source` counts in documents under the profile's eligible channels. */
export const countsInDocuments = (source: FundingSource, eligibleChannels: readonly PaymentChannel[]) =>
  source === 'credit' || source === 'unattributed' || eligibleChannels.includes(source);

/** The queue a period opens with; a carried state from before sources were tracked has none. */
export function fundingOf(carried: { balance: string; funding?: FundingPart[] }): FundingQueue {
  if (carried.funding) return carried.funding.map((p) => ({ source: p.source, amount: new Big(p.amount) }));
  const balance = new Big(carried.balance);
  return balance.gt('0') ? [{ source: 'unattributed', amount: balance }] : EMPTY_FUNDING;
}

export const fundingParts = (queue: FundingQueue): FundingPart[] =>
  queue.map((p) => ({ source: p.source, amount: p.amount.toFixed() }));

/**
 * A deposit of `amount` on a balance of `balanceBefore`: it repays what was below zero first; only the
 * rest waits in the queue.
 */
export function depositFunding(
  queue: FundingQueue,
  source: FundingSource,
  amount: Big,
  balanceBefore: Big,
): FundingQueue {
  const debt = balanceBefore.lt('0') ? balanceBefore.neg() : new Big(0);
  const unspent = amount.minus(debt);
  if (unspent.lte('0')) return queue;
  const last = queue.at(-1);
  if (last?.source === source) return [...queue.slice(0, -1), { source, amount: last.amount.plus(unspent) }];
  return [...queue, { source, amount: unspent }];
}

/**
 * Spending `amount` from the balance: the oldest deposits first, `credit` for what the queue does not
 * hold. Returns the parts by source (one per source, in the order first drawn) and the queue left.
 */
export function drawFunding(queue: FundingQueue, amount: Big): { parts: FundingPart[]; rest: FundingQueue } {
  const drawn = new Map<FundingSource, Big>();
  let left = amount;
  let taken = 0;
  let rest: FundingQueue = queue;
  while (isPositive(left) && taken < queue.length) {
    const head = queue[taken]!;
    if (head.amount.gt(left)) {
      drawn.set(head.source, (drawn.get(head.source) ?? new Big(0)).plus(left));
      rest = [{ source: head.source, amount: head.amount.minus(left) }, ...queue.slice(taken + 1)];
      left = new Big(0);
      break;
    }
    drawn.set(head.source, (drawn.get(head.source) ?? new Big(0)).plus(head.amount));
    left = left.minus(head.amount);
    taken += 1;
    rest = queue.slice(taken);
  }
  if (isPositive(left)) drawn.set('credit', (drawn.get('credit') ?? new Big(0)).plus(left));
  const parts = [...drawn].map(([source, part]) => ({ source, amount: part.toFixed() }));
  return { parts, rest: isPositive(amount) ? rest : queue };
}

/**
 * The queue left after spending `amount` (drawFunding's `rest`, without its parts): a charge's evolution
 * needs only this, its parts being recorded on the event already.
 */
export function fundingLeft(queue: FundingQueue, amount: Big): FundingQueue {
  if (!isPositive(amount)) return queue;
  let left = amount;
  let taken = 0;
  while (isPositive(left) && taken < queue.length) {
    const head = queue[taken]!;
    if (head.amount.gt(left))
      return [{ source: head.source, amount: head.amount.minus(left) }, ...queue.slice(taken + 1)];
    left = left.minus(head.amount);
    taken += 1;
  }
  return taken === 0 ? queue : queue.slice(taken);
}

/** Adds `parts` to per-source totals (a small map: one entry per source). */
export function addParts(
  totals: ReadonlyMap<FundingSource, Big>,
  parts: readonly FundingPart[],
): ReadonlyMap<FundingSource, Big> {
  const sum = new Map(totals);
  for (const part of parts) sum.set(part.source, (sum.get(part.source) ?? new Big(0)).plus(part.amount));
  return sum;
}

/** The part of `parts` from sources that do not count in documents. */
export function excludedFromDocuments(
  parts: readonly FundingPart[] | undefined,
  eligibleChannels: readonly PaymentChannel[],
): Big {
  let excluded = new Big(0);
  for (const part of parts ?? []) {
    if (!countsInDocuments(part.source, eligibleChannels)) excluded = excluded.plus(part.amount);
  }
  return excluded;
}
