/**
 * Whether a JSON text nests objects and arrays deeper than `max`, found by one pass over the raw bytes
 * before anything parses them: brackets inside strings do not count (escapes are skipped). It does not
 * validate the JSON — JSON.parse does that next, on a body known to be shallow enough for it and for the
 * validation that walks it (class-transformer recurses once per level: ~2 000 levels overflow its stack).
 */
export function jsonNestingExceeds(body: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c /* \ */) i++;
      else if (byte === 0x22 /* " */) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b /* { */ || byte === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (byte === 0x7d /* } */ || byte === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}
