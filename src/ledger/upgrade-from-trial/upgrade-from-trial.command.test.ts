import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import {
  executed,
  openCommand,
  suspendableLegal,
  testMeta,
  trialIndividual,
} from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';
import { NotFoundError } from '../../platform/commands/command-outcome.js';
import { SuspendIfUnpaid } from '../deadline-commands/deadline-commands.js';
import { UpgradeFromTrial } from './upgrade-from-trial.command.js';

const NOW = '2026-03-10T09:00:00.000Z';
let engine: TestEngine;
beforeAll(async () => {
  engine = await buildEngine({ start: NOW });
});
afterAll(() => engine.close());

const upgrade = (accountId: string, at = NOW) => new UpgradeFromTrial(accountId, at, testMeta());

/** A trial individual whose trial has ended: no usable grant is left, so ExpireGrants suspends it. */
async function endedTrial(accountId: string) {
  await engine.open(openCommand(trialIndividual(accountId)));
  const ended = await engine.send(accountId, { type: 'ExpireGrants', at: NOW });
  expect(ended.eventTypes).toEqual(['AccountSuspended']);
}

describe('UpgradeFromTrial (sent by ChangeContract when a trial profile is left)', () => {
  it('restores an account suspended because its trial ended', async () => {
    await endedTrial('ut-anna');
    const { outcome, newEvents } = await executed(engine, upgrade('ut-anna'));
    expect(outcome).toMatchObject({ status: 'accepted', streamId: 'ledger-ut-anna@2026-03' });
    expect(newEvents).toEqual([
      {
        streamId: 'ledger-ut-anna@2026-03',
        type: 'AccountRestored',
        data: { at: NOW, suspendedAt: NOW, balance: '0' },
      },
    ]);
  });

  it('a second time is a no-op', async () => {
    await endedTrial('ut-twice');
    await engine.commands.execute(upgrade('ut-twice'));
    const { outcome, newEvents } = await executed(engine, upgrade('ut-twice'));
    expect(outcome).toMatchObject({ status: 'duplicate', eventTypes: [] });
    expect(newEvents).toEqual([]);
  });

  it('a trial still running is a no-op', async () => {
    await engine.open(openCommand(trialIndividual('ut-running')));
    const { outcome, newEvents } = await executed(engine, upgrade('ut-running'));
    expect(outcome).toMatchObject({ status: 'duplicate' });
    expect(newEvents).toEqual([]);
  });

  it('an account that never was a trial is a no-op', async () => {
    await engine.open(openCommand(individual('ut-paid')));
    const { newEvents } = await executed(engine, upgrade('ut-paid'));
    expect(newEvents).toEqual([]);
  });

  it('a suspension for unpaid funds is not lifted by an upgrade', async () => {
    await engine.open(openCommand(suspendableLegal('ut-unpaid')));
    await engine.send('ut-unpaid', {
      type: 'ConsumeResource',
      usageRecordId: 'ut-unpaid-u1',
      sku: 'test.unit',
      quantity: '1',
      windowStart: NOW,
      windowEnd: NOW,
    });
    // Payment was required at once; the account is suspended seven days later, still unpaid.
    const suspendAt = '2026-03-17T09:00:00.000Z';
    engine.clock.set(suspendAt);
    const suspended = await engine.commands.execute(
      new SuspendIfUnpaid(
        'ut-unpaid',
        suspendAt,
        { type: 'SuspendIfUnpaid', reason: 'funds-exhausted', at: suspendAt },
        testMeta(),
      ),
    );
    expect(suspended.eventTypes).toEqual(['AccountSuspended']);
    const { outcome, newEvents } = await executed(engine, upgrade('ut-unpaid', suspendAt));
    expect(outcome).toMatchObject({ status: 'duplicate' });
    expect(newEvents).toEqual([]);
  });

  it('an unknown account: NotFoundError, nothing stored', async () => {
    const head = await engine.store.headPosition();
    await expect(engine.commands.execute(upgrade('ut-nobody'))).rejects.toBeInstanceOf(NotFoundError);
    expect(await engine.store.headPosition()).toBe(head);
  });
});
