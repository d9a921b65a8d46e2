import { deterministicEventId } from './event-ids.js';
import type { NewEvent, RecordedEvent } from './event-store.port.js';
import { GENESIS_HASH, chainEvents, eventHash, verifyChain } from './hash-chain.js';

const STREAM = 'ledger-acc-1-2026-03';
const metadata = {
  commandId: 'cmd-1',
  correlationId: 'cmd-1',
  causationId: 'cmd-1',
  actor: 'service:x',
  recordedAt: '2026-03-10T09:00:00.000Z',
  effectiveAt: '2026-03-10T09:00:00.000Z',
  schemaVersion: 1,
};
const events = (): NewEvent[] => [
  {
    id: deterministicEventId(`${STREAM}/cmd-1/0`),
    type: 'ResourceConsumed',
    data: { usageRecordId: 'u-1', amount: '12.345678', fromGrants: [], labels: { env: 'prod', é: 'ü' } },
    metadata: { ...metadata },
  },
  {
    id: deterministicEventId(`${STREAM}/cmd-1/1`),
    type: 'AccountFrozen',
    data: { balance: '-1', at: '2026-03-10T09:00:00.000Z' },
    metadata: { ...metadata },
  },
];
const PREVIOUS = `a${GENESIS_HASH.slice(1)}`;

// Pinned: stored logs are verified against these hashes, so chaining may be made faster but never
// different (values computed by the implementation of 2026-12-01).
describe('chainEvents, pinned', () => {
  it('gives the same prevHash/hash as the stored logs were chained with', () => {
    const chained = chainEvents(STREAM, 4, PREVIOUS, events());
    expect(chained.map((e) => [e.metadata!.prevHash, e.metadata!.hash])).toEqual([
      [PREVIOUS, '636e7618e22578f10b9901ad8fd2e46aa644436ae5359569cc987a45c700b484'],
      [
        '636e7618e22578f10b9901ad8fd2e46aa644436ae5359569cc987a45c700b484',
        '78bf3b90733fbd1a147e216a2e9568952d7a4033718890e745d5f46b4b5cdd4f',
      ],
    ]);
  });

  it('leaves the events it was given as they were and agrees with eventHash and verifyChain', () => {
    const given = events();
    const chained = chainEvents(STREAM, 0, GENESIS_HASH, given);
    expect(given).toEqual(events());
    chained.forEach((event, revision) =>
      expect(eventHash(STREAM, revision, event)).toBe(event.metadata!.hash),
    );
    const recorded = chained.map(
      (event, revision) =>
        ({
          ...event,
          streamId: STREAM,
          revision,
          position: BigInt(revision + 1),
        }) as unknown as RecordedEvent,
    );
    expect(verifyChain(recorded)).toBeUndefined();
    const edited = recorded.map((e, i) => (i === 1 ? { ...e, data: { balance: '-2' } } : e));
    expect(verifyChain(edited)).toMatchObject({ revision: 1, problem: 'edited' });
  });
});
