import { deterministicEventId } from './event-ids.js';

describe('deterministicEventId', () => {
  it('gives the same UUID v5 for the same name and different ones for different names', () => {
    const a = deterministicEventId('cmd-1/0');
    expect(a).toBe(deterministicEventId('cmd-1/0'));
    expect(a).not.toBe(deterministicEventId('cmd-1/1'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

// Pinned: stored logs carry these ids and a retry is recognised by its id, so the derivation may be made
// faster but never different (values computed by the implementation of 2026-12-01).
describe('deterministicEventId, pinned', () => {
  it.each([
    ['ledger-acc-1-2026-03/cmd-1/0', '4d5dd257-2369-54ae-8f5e-5f338e3af11c'],
    ['Σ/ünïcode/1', '88fd932d-a272-5270-913d-8cc0e1b24f31'],
  ])('%s → %s', (name, id) => {
    expect(deterministicEventId(name)).toBe(id);
  });
});
