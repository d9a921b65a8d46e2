import { jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { buildEngine } from '../../../test/support/engine.js';
import { SetAlertSettings } from '../alert-settings/alert-settings.command.js';
import { Adjust } from '../../ledger/adjust/adjust.command.js';
import { SetBudget } from '../set-budget/set-budget.command.js';
import { PeriodLedgers } from '../period-ledger.js';
import { AlertReactor, type ReactorOutcome } from './alert-reactor.js';
import { RaiseAlert } from './raise-alert.command.js';

/**
 * The alert reactor over a real engine (no event bus: each test feeds it the new events itself, as the
 * feed would, in log order) — what each ledger event makes it send, and what the decider answers.
 */
async function engineWith(accountId: string, account: 'prepaid' | 'credit') {
  const engine = await buildEngine({ start: '2026-03-01T09:00:00.000Z' });
  const at = engine.now();
  await engine.open({
    accountId,
    ...(account === 'prepaid'
      ? {
          payerType: 'individual',
          contract: 'public-offer',
          paymentScheme: 'prepaid',
          profileId: 'vk-individual-prepaid',
        }
      : {
          payerType: 'legal-entity',
          contract: 'individual-contract',
          paymentScheme: 'postpaid',
          profileId: 'yc-legal-credit',
          legalDetails: { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
        }),
    region: 'ru-moscow',
    residency: 'resident',
    edm: false,
    at,
  } as Parameters<typeof engine.open>[0]);
  engine.clock.set('2026-03-10T09:00:00.000Z');
  const reactor = engine.context.get(AlertReactor);
  let fed: bigint | undefined;
  /** Feeds the reactor every event stored since the last call; returns what it did. */
  const react = async (): Promise<ReactorOutcome[]> => {
    const events = await engine.store.readAll(fed === undefined ? {} : { afterPosition: fed });
    const outcomes: ReactorOutcome[] = [];
    for (const event of events) {
      outcomes.push(...(await reactor.react(event)));
      fed = event.position;
    }
    return outcomes;
  };
  let n = 0;
  const consume = (quantity: string) =>
    engine.send(accountId, {
      type: 'ConsumeResource',
      usageRecordId: `u${++n}`,
      sku: 'test.unit',
      quantity,
      windowStart: engine.now(),
      windowEnd: engine.now(),
    });
  const topUp = (amount: string) =>
    engine.send(accountId, {
      type: 'TopUp',
      paymentId: `p${++n}`,
      amount,
      channel: 'card',
      at: engine.now(),
    });
  return { engine, react, consume, topUp, bus: engine.context.get(CommandBus) };
}

const meta = (commandId: string) => ({ commandId, actor: 'test' });

describe('the alert reactor', () => {
  it('a budget crossing sends RaiseAlert once (stored); later charges in the period send nothing', async () => {
    const { engine, react, consume, topUp, bus } = await engineWith('re-budget', 'prepaid');
    await topUp('5000');
    await bus.execute(
      new SetBudget('re-budget', { budgetId: 'b', scope: 'account', amount: '100' }, engine.now(), meta('b')),
    );
    expect(await react()).toEqual([]);
    await consume('49');
    expect(await react()).toEqual([]);
    await consume('2');
    expect(await react()).toEqual([
      { command: 'RaiseAlert', id: 're-budget/budget/b/50/2026-03', outcome: 'stored' },
    ]);
    await consume('1');
    expect(await react()).toEqual([]);
    await consume('40');
    expect(await react()).toEqual([
      { command: 'RaiseAlert', id: 're-budget/budget/b/80/2026-03', outcome: 'stored' },
    ]);
    const raised = (await engine.store.readStream('alerts-re-budget')).filter(
      (e) => e.type === 'AlertRaised',
    );
    expect(raised.map((e) => (e.data as { value: string }).value)).toEqual(['51', '92']);
    await engine.context.close();
  });

  it('an account asking for no alert: its ledger is not folded; a budget set later counts the whole period', async () => {
    const { engine, react, consume, topUp, bus } = await engineWith('re-quiet', 'prepaid');
    const folds = jest.spyOn(engine.context.get(PeriodLedgers), 'asOf');
    await topUp('5000');
    await consume('30');
    await consume('30');
    expect(await react()).toEqual([]);
    expect(folds).not.toHaveBeenCalled();
    // A budget set mid-period: the next charge folds the period from the log, all 61 spent in it.
    await bus.execute(
      new SetBudget('re-quiet', { budgetId: 'q', scope: 'account', amount: '100' }, engine.now(), meta('q')),
    );
    await consume('1');
    expect(await react()).toEqual([
      { command: 'RaiseAlert', id: 're-quiet/budget/q/50/2026-03', outcome: 'stored' },
    ]);
    expect(folds).toHaveBeenCalled();
    const raised = (await engine.store.readStream('alerts-re-quiet')).filter((e) => e.type === 'AlertRaised');
    expect(raised.map((e) => (e.data as { value: string }).value)).toEqual(['61']);
    await engine.context.close();
  });

  it('corrections booked in the period count in its spend, signed: a credit lowers it, a debit raises it', async () => {
    const { engine, react, consume, topUp, bus } = await engineWith('re-corrected', 'prepaid');
    await topUp('5000');
    await bus.execute(
      new SetBudget(
        're-corrected',
        { budgetId: 'b', scope: 'account', amount: '100' },
        engine.now(),
        meta('b'),
      ),
    );
    const adjust = (adjustmentId: string, direction: 'credit' | 'debit', amount: string) =>
      bus.execute(
        new Adjust(
          're-corrected',
          { adjustmentId, direction, amount, period: '2026-03', service: 'Cloud Compute', reason: 'test' },
          engine.now(),
          meta(adjustmentId),
        ),
      );
    await consume('45');
    await adjust('credit', 'credit', '20');
    await consume('30');
    // 45 − 20 + 30 = 55: the 50 % crossing, at 55 (75 if the credit were not counted).
    expect(await react()).toEqual([
      { command: 'RaiseAlert', id: 're-corrected/budget/b/50/2026-03', outcome: 'stored' },
    ]);
    await adjust('debit', 'debit', '30');
    expect(await react()).toEqual([
      { command: 'RaiseAlert', id: 're-corrected/budget/b/80/2026-03', outcome: 'stored' },
    ]);
    const raised = (await engine.store.readStream('alerts-re-corrected')).filter(
      (e) => e.type === 'AlertRaised',
    );
    expect(raised.map((e) => (e.data as { value: string }).value)).toEqual(['55', '85']);
    await engine.context.close();
  });

  it('a RaiseAlert sent again (the feed delivering twice) is recognised: nothing stored', async () => {
    const { engine, react, consume, topUp, bus } = await engineWith('re-twice', 'prepaid');
    await topUp('5000');
    await bus.execute(
      new SetBudget('re-twice', { budgetId: 'b', scope: 'account', amount: '10' }, engine.now(), meta('b')),
    );
    await consume('6');
    await react();
    const command = {
      type: 'RaiseAlert' as const,
      accountId: 're-twice',
      kind: 'budget' as const,
      budgetId: 'b',
      threshold: 50,
      value: '6',
      limit: '10',
      currency: 'RUB',
      periodId: '2026-03',
      sourceEventId: 'x',
      sourcePosition: '1',
      at: engine.now(),
    };
    const same = await bus.execute(new RaiseAlert(command, meta(RaiseAlert.commandIdOf(command))));
    expect(same).toMatchObject({ status: 'duplicate', eventTypes: [] });
    await expect(bus.execute(new RaiseAlert(command, meta('another-id')))).rejects.toMatchObject({
      code: 'ALERT_ALREADY_RAISED',
    });
    await engine.context.close();
  });

  it('low balance: alerts below the level once, re-arms after a top-up above it, alerts again', async () => {
    const { engine, react, consume, topUp, bus } = await engineWith('re-low', 'prepaid');
    // The account opened at 0 before any warning level: nothing to say then.
    expect(await react()).toEqual([]);
    await bus.execute(
      new SetAlertSettings(
        're-low',
        { lowBalanceThreshold: '100', creditLimitAlerts: false },
        engine.now(),
        meta('w'),
      ),
    );
    // The level is checked at each ledger event: the top-up leaves the balance above it.
    await topUp('300');
    expect(await react()).toEqual([]);
    await consume('150');
    expect(await react()).toEqual([]);
    await consume('60');
    const [first] = await react();
    expect(first).toMatchObject({ command: 'RaiseAlert', outcome: 'stored' });
    expect(first!.id).toMatch(/^re-low\/low-balance\//);
    await consume('10');
    expect(await react()).toEqual([]);
    await topUp('500');
    expect(await react()).toEqual([{ command: 'RearmAlert', id: 'low-balance', outcome: 'stored' }]);
    await consume('560');
    expect(await react()).toEqual([expect.objectContaining({ command: 'RaiseAlert', outcome: 'stored' })]);
    const types = (await engine.store.readStream('alerts-re-low')).map((e) => e.type);
    expect(types).toEqual(['AlertSettingsSet', 'AlertRaised', 'AlertRearmed', 'AlertRaised']);
    // Fed again from the start (a replay): every event is older than the last one seen — nothing stored.
    const replayed: ReactorOutcome[] = [];
    for (const event of await engine.store.readAll())
      replayed.push(...(await engine.context.get(AlertReactor).react(event)));
    expect(replayed.filter((o) => o.outcome === 'stored')).toEqual([]);
    expect((await engine.store.readStream('alerts-re-low')).map((e) => e.type)).toEqual(types);
    await engine.context.close();
  });

  it('credit limit: 50, 80 and 100 % used alert once each', async () => {
    const { engine, react, consume, bus } = await engineWith('re-credit', 'credit');
    await engine.send('re-credit', { type: 'SetCreditLimit', creditLimit: '1000', at: engine.now() });
    await bus.execute(
      new SetAlertSettings(
        're-credit',
        { lowBalanceThreshold: '0', creditLimitAlerts: true },
        engine.now(),
        meta('on'),
      ),
    );
    await react();
    const thresholds: string[] = [];
    for (const quantity of ['400', '150', '100', '100', '200', '300']) {
      await consume(quantity);
      thresholds.push(...(await react()).map((o) => `${o.id.split('/')[2]}:${o.outcome}`));
    }
    expect(thresholds).toEqual(['50:stored', '80:stored', '100:stored']);
    await engine.context.close();
  });
});
