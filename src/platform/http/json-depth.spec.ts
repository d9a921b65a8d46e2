import { jsonNestingExceeds } from './json-depth.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('jsonNestingExceeds', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(jsonNestingExceeds(bytes('{"a":[{"b":1}]}'), 3)).toBe(false);
    expect(jsonNestingExceeds(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(jsonNestingExceeds(bytes(JSON.stringify({ s: '[[[[{{{{\\"[[[[' })), 1)).toBe(false);
    expect(jsonNestingExceeds(bytes('{"s":"\\"[[[[[[","t":"п[р{и"}'), 1)).toBe(false);
    expect(jsonNestingExceeds(bytes('[]'), 1)).toBe(false);
    expect(jsonNestingExceeds(bytes('[[]]'), 1)).toBe(true);
  });

  it('scans a 1.8 MB deeply nested body in milliseconds', () => {
    const deep = bytes('['.repeat(900_000) + ']'.repeat(900_000));
    const started = performance.now();
    expect(jsonNestingExceeds(deep, 32)).toBe(true);
    const wide = bytes(
      JSON.stringify({ records: Array.from({ length: 20_000 }, (_, i) => ({ id: `r-${i}`, q: '1.5' })) }),
    );
    expect(jsonNestingExceeds(wide, 32)).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
