import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import { executed, openCommand } from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';
import { RequestRefund } from './request-refund.command.js';

const START = '2026-03-10T09:00:00.000Z';
let engine: TestEngine;
beforeAll(async () => {
  engine = await buildEngine({ start: START });
  await engine.open(openCommand(individual('rc')));
  await engine.send('rc', { type: 'TopUp', paymentId: 'rc-p1', amount: '40', channel: 'card', at: START });
  await engine.send('rc', {
    type: 'TopUp',
    paymentId: 'rc-p2',
    amount: '60',
    channel: 'bank-transfer',
    at: START,
  });
});
afterAll(() => engine.close());

/**
 * RequestRefund as another use case sends it (account closure: `amount` "all", no HTTP meta): the command
 * class, its constructor (accountId, refundId, amount, reason, by, at?) and its answers on the bus.
 */
describe('RequestRefund on the command bus', () => {
  it('"all" refunds every unspent payment, oldest first; sent again (a redelivery), it stores nothing', async () => {
    const first = await executed(
      engine,
      new RequestRefund('rc', 'closing-rc', 'all', 'account closed', 'closure'),
    );
    expect(first.outcome).toMatchObject({ status: 'accepted', eventTypes: ['RefundRequested'] });
    expect(first.newEvents).toEqual([
      {
        streamId: 'ledger-rc@2026-03',
        type: 'RefundRequested',
        data: {
          refundId: 'closing-rc',
          amount: '100',
          currency: 'RUB',
          parts: [
            { paymentId: 'rc-p1', channel: 'card', amount: '40' },
            { paymentId: 'rc-p2', channel: 'bank-transfer', amount: '60' },
          ],
          reason: 'account closed',
          by: 'closure',
          at: START,
          balanceAfter: '0',
        },
      },
    ]);
    const again = await executed(
      engine,
      new RequestRefund('rc', 'closing-rc', 'all', 'account closed', 'closure'),
    );
    expect(again.outcome).toMatchObject({ status: 'duplicate' });
    expect(again.newEvents).toEqual([]);
  });

  it('refused with a stable code when nothing is left to refund', async () => {
    await expect(
      engine.commands.execute(new RequestRefund('rc', 'closing-rc-2', 'all', 'again', 'closure')),
    ).rejects.toMatchObject({ code: 'NOTHING_TO_REFUND', field: 'amount' });
  });
});
