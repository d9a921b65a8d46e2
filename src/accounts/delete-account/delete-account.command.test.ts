import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import {
  LEGAL_DETAILS,
  executed,
  openCommand,
  publicOfferLegal,
  testMeta,
} from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';
import { NotFoundError } from '../../platform/commands/command-outcome.js';
import { DeleteAccount } from './delete-account.command.js';

const NOW = '2026-03-10T09:00:00.000Z';
let engine: TestEngine;
beforeAll(async () => {
  engine = await buildEngine({ start: NOW });
});
afterAll(() => engine.close());

const deleteAccount = (accountId: string, at = NOW) => new DeleteAccount(accountId, at, testMeta());

describe('DeleteAccount (sent by the deletion deadline)', () => {
  it('records AccountDeleted once, with what was erased and why', async () => {
    await engine.open(openCommand(publicOfferLegal('da-romashka')));
    const { outcome, newEvents } = await executed(engine, deleteAccount('da-romashka'));
    expect(outcome).toMatchObject({ status: 'accepted', eventTypes: ['AccountDeleted'] });
    expect(newEvents).toEqual([
      {
        streamId: 'account-da-romashka',
        type: 'AccountDeleted',
        data: {
          accountId: 'da-romashka',
          at: NOW,
          reason: 'blocked: debt unpaid 60 days after suspension',
          erased: [
            'legal details in the account stream (name, tax id, KPP, address, bank)',
            'the account’s personal-data key (everything sealed with it is unreadable)',
          ],
          // A legal entity's requisites in documents are not personal data: nothing personal is kept.
          kept: [],
        },
      },
    ]);
  });

  it('a second time stores nothing', async () => {
    await engine.open(openCommand(publicOfferLegal('da-twice')));
    await engine.commands.execute(deleteAccount('da-twice'));
    const { outcome, newEvents } = await executed(
      engine,
      deleteAccount('da-twice', '2026-03-10T10:00:00.000Z'),
    );
    expect(outcome).toMatchObject({ status: 'duplicate', eventTypes: [] });
    expect(newEvents).toEqual([]);
    // The first deletion's time stays.
    expect(engine.vault.destroyedAt('da-twice')).toBe(NOW);
  });

  it('the legal details are unreadable afterwards; the account’s facts and ledger stay', async () => {
    await engine.open(openCommand(publicOfferLegal('da-sealed')));
    const [opened] = await engine.store.readStream('account-da-sealed');
    const sealed = (opened!.data as { personal: { sealed: string } }).personal.sealed;
    expect(engine.vault.unseal('da-sealed', sealed)).toEqual(LEGAL_DETAILS);

    await engine.commands.execute(deleteAccount('da-sealed'));

    expect(engine.vault.unseal('da-sealed', sealed)).toBeUndefined();
    expect(engine.vault.destroyedAt('da-sealed')).toBe(NOW);
    const state = await engine.accounts.state('da-sealed');
    expect(state).toMatchObject({
      deletedAt: NOW,
      facts: { accountId: 'da-sealed', payerType: 'legal-entity' },
    });
    expect(state.legalDetails).toBeUndefined();
    expect((await engine.store.readStream('ledger-da-sealed@2026-03')).map((e) => e.type)).toEqual([
      'PeriodOpened',
    ]);
  });

  it('an individual without legal details is deleted the same way', async () => {
    await engine.open(openCommand(individual('da-anna')));
    const { newEvents } = await executed(engine, deleteAccount('da-anna'));
    expect(newEvents).toMatchObject([{ streamId: 'account-da-anna', type: 'AccountDeleted' }]);
    expect(engine.vault.destroyedAt('da-anna')).toBe(NOW);
  });

  it('an unknown account: NotFoundError, nothing stored', async () => {
    const head = await engine.store.headPosition();
    await expect(engine.commands.execute(deleteAccount('da-nobody'))).rejects.toBeInstanceOf(NotFoundError);
    expect(await engine.store.headPosition()).toBe(head);
  });
});
