import type { AccountFacts } from '../../domain/account/account-events.js';
import { VirtualClock } from '../../platform/clock/clock.js';
import type { AccountDirectory } from '../account-directory.js';
import type { LedgerBook } from '../ledger-book.js';
import type { LedgerHistory } from '../ledger-history.js';
import { ConsumeResource, ConsumeResourceHandler } from './consume-resource.command.js';

/**
 * The late-usage check and the decision both read the account's facts: a usage record — the command sent
 * most — looks them up once and hands the same facts to both (issue 18). The decisions themselves are
 * pinned by the route tests (consume-resource, late-usage).
 */
describe('ConsumeResourceHandler: one account lookup per usage record', () => {
  const facts = { accountId: 'acc-1', timeZone: 'Europe/Moscow' } as AccountFacts;

  function handlerWith(late: Awaited<ReturnType<LedgerHistory['lateUsage']>>) {
    const lookups: string[] = [];
    const checkedWith: AccountFacts[] = [];
    const decidedWith: Array<{ account: AccountFacts; effectiveAt: string; type: string }> = [];
    const accounts = {
      account: async (accountId: string) => {
        lookups.push(accountId);
        return facts;
      },
    } as AccountDirectory;
    const history = {
      lateUsage: async (account: AccountFacts) => {
        checkedWith.push(account);
        return late;
      },
    } as unknown as LedgerHistory;
    const ledger = {
      decideFor: async (account: AccountFacts, effectiveAt: string, command: { type: string }) => {
        decidedWith.push({ account, effectiveAt, type: command.type });
        return { status: 'accepted', streamId: 's', eventTypes: [] };
      },
    } as unknown as LedgerBook;
    const handler = new ConsumeResourceHandler(
      ledger,
      history,
      accounts,
      new VirtualClock('2026-04-02T09:00:00.000Z'),
    );
    return { handler, lookups, checkedWith, decidedWith };
  }

  const usage = new ConsumeResource(
    'acc-1',
    {
      usageRecordId: 'u-1',
      sku: 'test.unit',
      quantity: '1',
      windowStart: '2026-03-20T09:00:00.000Z',
      windowEnd: '2026-03-20T10:00:00.000Z',
    },
    { commandId: 'c-1', actor: 'test' },
  );

  it('charged in its own period: one lookup, the same facts checked and decided with', async () => {
    const { handler, lookups, checkedWith, decidedWith } = handlerWith(undefined);
    await handler.execute(usage);
    expect(lookups).toEqual(['acc-1']);
    expect(checkedWith).toEqual([facts]);
    expect(decidedWith).toEqual([
      { account: facts, effectiveAt: '2026-03-20T09:59:59.999Z', type: 'ConsumeResource' },
    ]);
    expect(decidedWith[0]!.account).toBe(checkedWith[0]);
  });

  it('booked late in the open period: one lookup, the same facts', async () => {
    const closedPeriod = { periodId: '2026-03', endsAt: '2026-03-31T21:00:00.000Z', quantityBefore: '0' };
    const { handler, lookups, decidedWith } = handlerWith({ closedPeriod });
    await handler.execute(usage);
    expect(lookups).toEqual(['acc-1']);
    expect(decidedWith).toEqual([
      { account: facts, effectiveAt: '2026-04-02T09:00:00.000Z', type: 'BookLateUsage' },
    ]);
  });

  it('a duplicate found by the check is answered without a decision', async () => {
    const { handler, lookups, decidedWith } = handlerWith({ duplicateIn: 'ledger-acc-1@2026-03' });
    expect(await handler.execute(usage)).toEqual({
      status: 'duplicate',
      streamId: 'ledger-acc-1@2026-03',
      eventTypes: [],
    });
    expect(lookups).toEqual(['acc-1']);
    expect(decidedWith).toEqual([]);
  });
});
