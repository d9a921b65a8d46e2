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

  it('stops at the first level past the limit: of a 1.8 MB nested body it reads 33 bytes, not the rest', () => {
    // Counted, not timed (performance is measured by the benchmarks): the scan is one pass that stops early.
    const deep = bytes('['.repeat(900_000) + ']'.repeat(900_000));
    let read = 0;
    const counted = new Proxy(deep, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) read++;
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    expect(jsonNestingExceeds(counted, 32)).toBe(true);
    expect(read).toBe(33);
    const wide = bytes(
      JSON.stringify({ records: Array.from({ length: 20_000 }, (_, i) => ({ id: `r-${i}`, q: '1.5' })) }),
    );
    expect(jsonNestingExceeds(wide, 32)).toBe(false);
  });
});
