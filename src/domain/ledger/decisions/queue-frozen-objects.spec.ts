import type { LedgerEvent } from '../ledger-events.js';
import { IN_MARCH, ledger, periodOpened } from '../ledger.fixtures.js';

const VK = 'vk-individual-prepaid';
const DUE = '2026-03-13T09:00:00.000Z';
const frozen: LedgerEvent = {
  type: 'AccountFrozen',
  data: { balance: '-1', at: IN_MARCH, deleteObjectsAt: DUE, everPaid: false },
};
const queued: LedgerEvent = {
  type: 'FrozenObjectsQueuedForDeletion',
  data: { at: DUE, frozenSince: IN_MARCH },
};

describe('QueueFrozenObjects', () => {
  it('queues the frozen objects for deletion when the deadline comes', () => {
    ledger(VK).given([periodOpened(), frozen]).when({ type: 'QueueFrozenObjects', at: DUE }).then([queued]);
  });

  it('queues them once', () => {
    ledger(VK)
      .given([periodOpened(), frozen, queued])
      .when({ type: 'QueueFrozenObjects', at: DUE })
      .thenNothing();
  });

  it('has nothing to do once a top-up has unfrozen the account', () => {
    ledger(VK)
      .given([periodOpened(), frozen, { type: 'AccountUnfrozen', data: { balance: '5', at: IN_MARCH } }])
      .when({ type: 'QueueFrozenObjects', at: DUE })
      .thenNothing();
  });
});
