import { deterministicEventId } from './event-ids.js';

describe('deterministicEventId', () => {
  it('gives the same UUID v5 for the same name and different ones for different names', () => {
    const a = deterministicEventId('cmd-1/0');
    expect(a).toBe(deterministicEventId('cmd-1/0'));
    expect(a).not.toBe(deterministicEventId('cmd-1/1'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
