import { VirtualClock } from '../platform/clock/clock.js';
import { CommandRejectedError, type CommandOutcome } from '../platform/commands/command-outcome.js';
import { SqliteEventStore } from '../platform/event-store/sqlite/sqlite-event-store.js';
import type { LedgerBook } from './ledger-book.js';
import { PaymentBook } from './payment-book.js';

const NOW = '2026-03-10T09:00:00.000Z';
const topUp = { type: 'TopUp' as const, paymentId: 'p-1', amount: '100', channel: 'card' as const, at: NOW };
const meta = { commandId: 'cmd-1', actor: 'test' };

/**
 * A ledger that accepts the payment, so the claim is taken, and then — as when another instance changed the
 * account between the decision and the append and the decision made again refuses — rejects it.
 */
function ledgerThatRefusesAfterTheClaim(): LedgerBook {
  return {
    isClosed: async () => false,
    decide: async (
      _accountId: string,
      _at: string,
      _command: unknown,
      _meta: unknown,
      beforeAppend?: () => Promise<void>,
    ): Promise<CommandOutcome> => {
      await beforeAppend?.();
      throw new CommandRejectedError('BILL_NOT_OPEN', 'paid meanwhile', 'billId');
    },
  } as unknown as LedgerBook;
}

describe('PaymentBook: decide first, claim second', () => {
  it('a claim taken for a payment the ledger then refused is released: the id is free again', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const book = new PaymentBook(store, new VirtualClock(NOW), ledgerThatRefusesAfterTheClaim());
    await expect(book.book('acc-1', topUp, meta)).rejects.toMatchObject({ code: 'BILL_NOT_OPEN' });
    const claim = await store.readStream('payment-p-1');
    expect(claim.map((e) => e.type)).toEqual(['PaymentClaimed', 'PaymentClaimReleased']);
    expect(claim[1]!.data).toMatchObject({ accountId: 'acc-1', reason: 'BILL_NOT_OPEN' });
    await store.close();
  });

  it('a refusal before the claim (the usual case) stores nothing at all', async () => {
    const store = SqliteEventStore.open({ path: ':memory:' });
    const refusing = {
      isClosed: async () => false,
      decide: async () => {
        throw new CommandRejectedError('ACCOUNT_FROZEN', 'frozen');
      },
    } as unknown as LedgerBook;
    const book = new PaymentBook(store, new VirtualClock(NOW), refusing);
    await expect(book.book('acc-1', topUp, meta)).rejects.toMatchObject({ code: 'ACCOUNT_FROZEN' });
    expect(await store.readAll()).toEqual([]);
    await store.close();
  });
});
