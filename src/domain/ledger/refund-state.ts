/**
 * Refunds of unspent prepaid money (issue 14, item 4): what the ledger must know to return money to the
 * payment it came from. The funding queue (funding.ts) merges consecutive deposits of one source, which is
 * all the documents need; a refund needs each deposit: this queue keeps the unspent deposits one by one,
 * oldest first, spent by the very same first-in-first-out rule, so merging it by source gives the funding
 * queue back. Grants are never in it (they are no payment).
 */
import Big from 'big.js';
import type { PaymentChannel } from '../policies/policy-profile.js';
import type { FundingPart, FundingQueue, FundingSource } from './funding.js';

/** Compared with on every charge: a Big is copied, '0' would be parsed again each time (issue 18). */
const ZERO = new Big(0);

/**
 * An unspent deposit as the carried state records it. `paymentId` absent: money carried from before
 * deposits were tracked one by one — its payment is unknown, so the engine cannot refund it.
 */
export interface UnspentDeposit {
  paymentId?: string;
  source: FundingSource;
  amount: string;
}

export type DepositQueue = ReadonlyArray<{
  readonly paymentId?: string;
  readonly source: FundingSource;
  readonly amount: Big;
}>;

/** One payment (or the part of it) a refund returns, to the channel it came by. */
export interface RefundPart {
  paymentId: string;
  channel: PaymentChannel;
  amount: string;
}

export type RefundPartOutcome = 'pending' | 'completed' | 'failed';

/** A refund the ledger knows: requested this period, or carried in while a part is still unanswered. */
export interface RefundRecord {
  refundId: string;
  amount: string;
  parts: Array<RefundPart & { outcome: RefundPartOutcome }>;
  reason: string;
  by: string;
  requestedAt: string;
}

/** What a period carries of refunds: those still in flight, and every refund id ever settled. */
export interface CarriedRefunds {
  inFlight: RefundRecord[];
  /** Refund ids are recognised forever (refunds are rare: a few per account), so a retry never pays twice. */
  settledIds: string[];
}

/** Channels whose deposits go back to the payer: card money to the card, a bank transfer to the bank. */
export const REFUNDABLE_CHANNELS: readonly PaymentChannel[] = ['card', 'bank-transfer', 'auto-top-up'];

const isRefundable = (d: DepositQueue[number]): d is DepositQueue[number] & { paymentId: string } =>
  d.paymentId !== undefined && (REFUNDABLE_CHANNELS as readonly string[]).includes(d.source);

/** The queue a period opens with; a carried state from before tracking: its funding, payments unknown. */
export function depositsOf(carried: { deposits?: UnspentDeposit[] }, funding: FundingQueue): DepositQueue {
  if (carried.deposits) {
    return carried.deposits.map((d) => ({
      ...(d.paymentId === undefined ? {} : { paymentId: d.paymentId }),
      source: d.source,
      amount: new Big(d.amount),
    }));
  }
  return funding.map((p) => ({ source: p.source, amount: p.amount }));
}

export const unspentDeposits = (queue: DepositQueue): UnspentDeposit[] =>
  queue.map((d) => ({
    ...(d.paymentId === undefined ? {} : { paymentId: d.paymentId }),
    source: d.source,
    amount: d.amount.toFixed(),
  }));

/** A deposit repays what was below zero first; only the rest waits (as in depositFunding). */
export function depositUnspent(
  queue: DepositQueue,
  paymentId: string,
  source: FundingSource,
  amount: Big,
  balanceBefore: Big,
): DepositQueue {
  const debt = balanceBefore.lt('0') ? balanceBefore.neg() : new Big(0);
  const unspent = amount.minus(debt);
  return unspent.gt('0') ? [...queue, { paymentId, source, amount: unspent }] : queue;
}

/** Spending `amount`: the oldest deposits first (as drawFunding); what the queue lacks is credit. */
export function drawUnspent(queue: DepositQueue, amount: Big): DepositQueue {
  let left = amount;
  let taken = 0;
  while (left.gt(ZERO) && taken < queue.length) {
    const head = queue[taken]!;
    if (head.amount.gt(left)) {
      return [{ ...head, amount: head.amount.minus(left) }, ...queue.slice(taken + 1)];
    }
    left = left.minus(head.amount);
    taken += 1;
  }
  return taken === 0 ? queue : queue.slice(taken);
}

/** What can be refunded: the unspent deposits of known payments by refundable channels. */
export function refundable(queue: DepositQueue): Big {
  return queue.filter(isRefundable).reduce((sum, d) => sum.plus(d.amount), new Big(0));
}

/**
 * The parts a refund of `amount` takes: the oldest unspent refundable deposits first, down to the amount
 * (the last one partly). One part per payment.
 */
export function refundParts(queue: DepositQueue, amount: Big): RefundPart[] {
  const parts = new Map<string, RefundPart>();
  let left = amount;
  for (const deposit of queue.filter(isRefundable)) {
    if (left.lte('0')) break;
    const take = deposit.amount.lt(left) ? deposit.amount : left;
    left = left.minus(take);
    const before = parts.get(deposit.paymentId);
    parts.set(deposit.paymentId, {
      paymentId: deposit.paymentId,
      channel: deposit.source as PaymentChannel,
      amount: (before ? new Big(before.amount).plus(take) : take).toFixed(),
    });
  }
  return [...parts.values()];
}

/** The queue without what `parts` took: each payment's unspent deposits, oldest first. */
export function takeParts(queue: DepositQueue, parts: readonly RefundPart[]): DepositQueue {
  const left = new Map(parts.map((p) => [p.paymentId, new Big(p.amount)]));
  const rest: Array<DepositQueue[number]> = [];
  for (const deposit of queue) {
    const owed = deposit.paymentId === undefined ? undefined : left.get(deposit.paymentId);
    if (!owed || owed.lte('0') || deposit.source !== partChannel(parts, deposit.paymentId!)) {
      rest.push(deposit);
      continue;
    }
    const take = deposit.amount.lt(owed) ? deposit.amount : owed;
    left.set(deposit.paymentId!, owed.minus(take));
    if (deposit.amount.gt(take)) rest.push({ ...deposit, amount: deposit.amount.minus(take) });
  }
  return rest;
}

const partChannel = (parts: readonly RefundPart[], paymentId: string) =>
  parts.find((p) => p.paymentId === paymentId)?.channel;

/**
 * A refund part that failed: its money is unspent again, at the front of the queue (it was the oldest
 * refundable money when taken), after repaying what the balance owes meanwhile (`balanceBefore` < 0).
 */
export function giveBack(
  queue: DepositQueue,
  parts: readonly RefundPart[],
  balanceBefore: Big,
): DepositQueue {
  const returned: DepositQueue = parts.map((p) => ({
    paymentId: p.paymentId,
    source: p.channel,
    amount: new Big(p.amount),
  }));
  const debt = balanceBefore.lt('0') ? balanceBefore.neg() : new Big(0);
  return drawUnspent(joined([...returned, ...queue]), debt);
}

/** Neighbouring pieces of one payment (a part given back before its unspent rest) made one again. */
function joined(queue: DepositQueue): DepositQueue {
  const result: Array<DepositQueue[number]> = [];
  for (const deposit of queue) {
    const last = result.at(-1);
    if (last && last.paymentId !== undefined && last.paymentId === deposit.paymentId) {
      result[result.length - 1] = { ...last, amount: last.amount.plus(deposit.amount) };
    } else result.push(deposit);
  }
  return result;
}

/** The funding queue the deposit queue stands for: consecutive deposits of one source merged. */
export function fundingOfDeposits(queue: DepositQueue): FundingQueue {
  const merged: Array<{ source: FundingSource; amount: Big }> = [];
  for (const deposit of queue) {
    const last = merged.at(-1);
    if (last?.source === deposit.source) last.amount = last.amount.plus(deposit.amount);
    else merged.push({ source: deposit.source, amount: deposit.amount });
  }
  return merged;
}

/** The parts still waiting for the gateway's answer. */
export const pendingParts = (record: RefundRecord) => record.parts.filter((p) => p.outcome === 'pending');

/** A refund's status from its parts: requested while any is pending, else completed, failed or partly. */
export function refundStatus(record: {
  parts: ReadonlyArray<{ outcome: RefundPartOutcome }>;
}): 'requested' | 'completed' | 'failed' | 'partly-completed' {
  const outcomes = new Set(record.parts.map((p) => p.outcome));
  if (outcomes.has('pending')) return 'requested';
  if (outcomes.size === 1) return outcomes.has('completed') ? 'completed' : 'failed';
  return 'partly-completed';
}

/** The parts as amounts by source (the funding parts a refund took). */
export const partsBySource = (parts: readonly RefundPart[]): FundingPart[] =>
  parts.map((p) => ({ source: p.channel, amount: p.amount }));
