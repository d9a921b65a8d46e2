// The embedded store's compact row encoding: event ids as 16-byte UUIDs and metadata as a short binary
// record instead of JSON text (no repeated keys, ids and hashes in binary, times as epoch milliseconds).
// The data is a tagged binary value (encodeData): keys and common strings as dictionary codes, decimals as
// packed digits, times as milliseconds. Decoding gives exactly the objects JSON.parse gave for the old
// rows (same keys, same order, same values), so hash chains, the audit export and the adapters see no
// difference; anything that would not round-trip exactly is stored as JSON instead.
import type { EventMetadata } from '../event-store.port.js';
import { CURRENT_DATA_DICTIONARY, DATA_DICTIONARIES, type DataDictionary } from './data-dictionary.js';

/** First byte of every encoded metadata record, so the format can evolve. */
const FORMAT_V1 = 1;

/** Metadata keys the engine writes on every event, coded as one byte (their position in this list + 1). */
const KNOWN_KEYS = [
  'commandId',
  'correlationId',
  'causationId',
  'actor',
  'recordedAt',
  'effectiveAt',
  'schemaVersion',
  'prevHash',
  'hash',
] as const;
const KEY_CODE = new Map<string, number>(KNOWN_KEYS.map((key, index) => [key, index + 1]));
/** Key code of a key outside KNOWN_KEYS: its name follows as text. */
const OTHER_KEY = 0;

const enum Value {
  /** Any value as its JSON text: what JSON.parse(JSON.stringify(value)) gives back. */
  Json = 0,
  Text = 1,
  /** A lowercase canonical UUID: 16 bytes. */
  Uuid = 2,
  /** 64 lowercase hex digits (a SHA-256 hash): 32 bytes. */
  Hex256 = 3,
  /** An ISO-8601 UTC time exactly as Date#toISOString writes it: epoch milliseconds. */
  Time = 4,
  /** A non-negative safe integer. */
  Count = 5,
  /** The same string as an earlier value of this record (correlation = causation = command id). */
  Repeat = 6,
  // Kinds of event data only (encodeData).
  /** A plain object: entry count, then per entry a key code (0 = the key as text) and a value. */
  Object = 7,
  Array = 8,
  /** A string of the record's dictionary (`words`), by index. */
  Word = 9,
  /** A string of digits, '.' and '-' only (amounts, quantities): its length and a nibble per character. */
  Digits = 10,
  True = 11,
  False = 12,
  Null = 13,
  /** A Time on the hour (usage windows, billing hours): hours since year 0000. */
  TimeHours = 14,
  /** A plain object of a dictionary shape: the shape's index, a bit per key present, then the values. */
  Shape = 15,
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SURROGATE = /[\uD800-\uDFFF]/;

/** True when `id` is stored as 16 bytes (every id the engine derives is a lowercase UUID). */
export function isCompactId(id: string): boolean {
  return id.length === 36 && UUID.test(id);
}

export function encodeId(id: string): Uint8Array {
  const bytes = new Uint8Array(16);
  if (!writeUuid(bytes, 0, id)) throw new Error(`Not a lowercase UUID: ${id}`);
  return bytes;
}

export function decodeId(bytes: Uint8Array): string {
  return uuidText(bytes, 0);
}

/**
 * The metadata as a compact record, or undefined when it must stay JSON (not a plain object, or a key
 * JSON.parse would treat differently from an assignment).
 */
export function encodeMetadata(metadata: EventMetadata): Uint8Array | undefined {
  const proto = Object.getPrototypeOf(metadata) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const writer = new Writer();
  writer.byte(FORMAT_V1);
  const texts: string[] = [];
  for (const key of Object.keys(metadata)) {
    const value = metadata[key];
    // JSON.stringify leaves these keys out; so does the record.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    if (key === '__proto__') return undefined;
    const code = KEY_CODE.get(key);
    if (code === undefined) {
      writer.byte(OTHER_KEY);
      writer.text(key);
    } else writer.byte(code);
    writeValue(writer, value, texts);
  }
  return writer.finish();
}

function writeValue(writer: Writer, value: unknown, texts: string[]): void {
  if (typeof value === 'string') {
    const earlier = texts.indexOf(value);
    if (earlier >= 0 && earlier < 256) {
      writer.byte(Value.Repeat);
      writer.byte(earlier);
    } else if (value.length === 36 && writer.tryUuid(value)) {
      // written
    } else if (value.length === 64 && writer.tryHex256(value)) {
      // written
    } else if (value.length === 24 && isExactTime(value)) {
      writer.byte(Value.Time);
      writer.varint(exactMs + TIME_OFFSET);
    } else if (!SURROGATE.test(value)) {
      writer.byte(Value.Text);
      writer.text(value);
    } else {
      // A lone surrogate would not survive UTF-8 (JSON escapes it); such strings are rare, so any
      // surrogate takes this path.
      writer.byte(Value.Json);
      writer.text(JSON.stringify(value));
    }
    texts.push(value);
    return;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0)) {
    writer.byte(Value.Count);
    writer.varint(value);
    return;
  }
  writer.byte(Value.Json);
  writer.text(JSON.stringify(value));
}

/** Years before 1970 are negative milliseconds; the offset keeps varints non-negative back to year 0000. */
const TIME_OFFSET = 62_167_219_200_000;

// Events share their times (one decision, one batch, one billing hour, one usage window): the times seen
// last are remembered both ways, so most are neither parsed nor formatted again. A charge carries four.
const TIMES_REMEMBERED = 256;
const msByText = new Map<string, number>();
const textByMs = new Map<number, string>();
/** The milliseconds of the time isExactTime last said yes to. */
let exactMs = Number.NaN;

function remember(text: string, ms: number): void {
  if (msByText.size >= TIMES_REMEMBERED) {
    msByText.clear();
    textByMs.clear();
  }
  msByText.set(text, ms);
  textByMs.set(ms, text);
}

function isExactTime(value: string): boolean {
  const known = msByText.get(value);
  if (known !== undefined) {
    exactMs = known;
    return true;
  }
  if (!ISO_TIME.test(value)) return false;
  const ms = Date.parse(value);
  const exact = Number.isFinite(ms) && ms + TIME_OFFSET >= 0 && new Date(ms).toISOString() === value;
  if (exact) {
    remember(value, ms);
    exactMs = ms;
  }
  return exact;
}

function timeText(ms: number): string {
  let text = textByMs.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    remember(text, ms);
  }
  return text;
}

/** The next metadata key: a known key's code, or the key's own text. */
function readMetadataKey(): string {
  const code = readByte();
  const key = code === OTHER_KEY ? readText() : KNOWN_KEYS[code - 1];
  if (key === undefined) throw new Error(`Unknown event metadata key code ${code}`);
  return key;
}

/** The next metadata value, by its kind (a repeat names an earlier text value of the same record). */
function readMetadataValue(texts: readonly string[]): unknown {
  const kind = readByte() as Value;
  switch (kind) {
    case Value.Json:
      return JSON.parse(readText());
    case Value.Text:
    case Value.Uuid:
    case Value.Hex256:
    case Value.Time:
      return readPlainText(kind);
    case Value.Count:
      return readVarint();
    case Value.Repeat:
      return texts[readByte()];
    default:
      throw new Error(`Unknown event metadata value kind ${String(kind)}`);
  }
}

export function decodeMetadata(bytes: Uint8Array): EventMetadata {
  // Module state instead of a reader object: decoding is synchronous and runs for every event read.
  source = bytes;
  offset = 0;
  const format = readByte();
  if (format !== FORMAT_V1) throw new Error(`Unknown event metadata format ${format}`);
  const metadata: EventMetadata = {};
  const texts: string[] = [];
  while (offset < bytes.length) {
    const key = readMetadataKey();
    const value = readMetadataValue(texts);
    if (typeof value === 'string') texts.push(value);
    metadata[key] = value;
  }
  source = EMPTY;
  return metadata;
}

/**
 * One value of the metadata (undefined when absent), reading no further than it: an aggregate's load needs
 * only each event's command id, which the engine writes first (issue 18: decoding every field of every event
 * was ≈ a third of reading a period back). Gives what `decodeMetadata(bytes)[wanted]` gives.
 */
export function decodeMetadataValue(bytes: Uint8Array, wanted: string): unknown {
  source = bytes;
  offset = 0;
  const format = readByte();
  if (format !== FORMAT_V1) throw new Error(`Unknown event metadata format ${format}`);
  const texts: string[] = [];
  let found: unknown;
  while (offset < bytes.length) {
    const key = readMetadataKey();
    const value = readMetadataValue(texts);
    if (key === wanted) {
      found = value;
      break;
    }
    if (typeof value === 'string') texts.push(value);
  }
  source = EMPTY;
  return found;
}

/** Codes of a dictionary's keys and words, for the encoder. */
interface DictionaryCodes {
  id: number;
  keys: Map<string, number>;
  words: Map<string, number>;
  /** Indexes of the shapes that start with a key, by that key. */
  shapesByFirstKey: Map<string, number[]>;
  shapes: readonly (readonly string[])[];
}

function codesOf(id: number): DictionaryCodes {
  const dictionary = DATA_DICTIONARIES.get(id)!;
  return {
    id,
    keys: new Map(dictionary.keys.map((key, index) => [key, index + 1])),
    words: new Map(dictionary.words.map((word, index) => [word, index])),
    shapesByFirstKey: dictionary.shapes.reduce((byKey, shape, index) => {
      byKey.set(shape[0]!, [...(byKey.get(shape[0]!) ?? []), index]);
      return byKey;
    }, new Map<string, number[]>()),
    shapes: dictionary.shapes,
  };
}

const HOUR_MS = 3_600_000;

const CURRENT = codesOf(CURRENT_DATA_DICTIONARY);
/** Deeper data is stored as JSON text (cyclic data then fails in JSON.stringify, as it always did). */
const MAX_DEPTH = 32;
const DIGITS = /^[0-9.-]+$/;
const DIGIT_CHARS = '0123456789.-';
/** Nibble of each character of DIGIT_CHARS, by char code. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGIT_CHARS.length; i++) NIBBLE[DIGIT_CHARS.charCodeAt(i)] = i;
/** The two characters of each byte of packed digits (0xf in the low nibble: an odd length's padding). */
const DIGIT_PAIRS = Array.from({ length: 256 }, (_, byte) => {
  const high = DIGIT_CHARS[byte >> 4] ?? '';
  const low = DIGIT_CHARS[byte & 0xf] ?? '';
  return high + low;
});

/**
 * The event data as a compact record (its dictionary's id, then one tagged value), or undefined when it
 * must stay JSON text: anything JSON.stringify would change or reject (a class instance, toJSON, a bigint,
 * undefined at the top, a `__proto__` key, a key with a lone surrogate, nesting deeper than MAX_DEPTH).
 */
export function encodeData(data: unknown): Uint8Array | undefined {
  const writer = new Writer();
  writer.byte(CURRENT.id);
  return writeData(writer, data, [], 0) ? writer.finish() : undefined;
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function writeData(writer: Writer, value: unknown, texts: string[], depth: number): boolean {
  switch (typeof value) {
    case 'string':
      writeDataString(writer, value, texts);
      return true;
    case 'number':
      if (Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0)) {
        writer.byte(Value.Count);
        writer.varint(value);
      } else {
        writer.byte(Value.Json);
        writer.text(JSON.stringify(value));
      }
      return true;
    case 'boolean':
      writer.byte(value ? Value.True : Value.False);
      return true;
    case 'object': {
      if (value === null) {
        writer.byte(Value.Null);
        return true;
      }
      if (depth >= MAX_DEPTH) return false;
      // Plain objects and arrays of any realm (structuredClone and vm contexts make their own): a class
      // instance or a subclass has one more prototype in its chain.
      const proto = Object.getPrototypeOf(value) as object | null;
      const above = proto && (Object.getPrototypeOf(proto) as object | null);
      if (Array.isArray(value)) {
        if (!above || Object.getPrototypeOf(above) !== null) return false;
        writer.byte(Value.Array);
        writer.varint(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (isSkipped(item)) writer.byte(Value.Null);
          else if (!writeData(writer, item, texts, depth + 1)) return false;
        }
        return true;
      }
      if (above) return false;
      const object = value as Record<string, unknown>;
      if (typeof object.toJSON === 'function') return false;
      const keys: string[] = [];
      for (const key of Object.keys(object)) if (!isSkipped(object[key])) keys.push(key);
      const shape = shapeOf(keys);
      if (shape) {
        writer.byte(Value.Shape);
        writer.varint(shape.index);
        writer.varint(shape.mask);
        for (const key of keys) if (!writeData(writer, object[key], texts, depth + 1)) return false;
        return true;
      }
      const count = keys.length;
      writer.byte(Value.Object);
      writer.varint(count);
      for (const key of keys) {
        const item = object[key];
        const code = CURRENT.keys.get(key);
        if (code !== undefined) writer.varint(code);
        else {
          if (key === '__proto__' || SURROGATE.test(key)) return false;
          writer.byte(OTHER_KEY);
          writer.text(key);
        }
        if (!writeData(writer, item, texts, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** The dictionary shape holding `keys` in their order, and a bit per key of the shape present. */
function shapeOf(keys: string[]): { index: number; mask: number } | undefined {
  const candidates = keys.length > 0 ? CURRENT.shapesByFirstKey.get(keys[0]!) : undefined;
  if (!candidates) return undefined;
  for (const index of candidates) {
    const shape = CURRENT.shapes[index]!;
    let mask = 0;
    let at = 0;
    for (const key of keys) {
      while (at < shape.length && shape[at] !== key) at += 1;
      if (at === shape.length) break;
      mask |= 1 << at;
      at += 1;
    }
    if (at <= shape.length && popCount(mask) === keys.length) return { index, mask };
  }
  return undefined;
}

function popCount(mask: number): number {
  let count = 0;
  for (let rest = mask; rest !== 0; rest &= rest - 1) count += 1;
  return count;
}

function writeDataString(writer: Writer, value: string, texts: string[]): void {
  const word = CURRENT.words.get(value);
  if (word !== undefined) {
    writer.byte(Value.Word);
    writer.varint(word);
    return;
  }
  const earlier = texts.indexOf(value);
  if (earlier >= 0 && earlier < 256) {
    writer.byte(Value.Repeat);
    writer.byte(earlier);
  } else if (value.length === 36 && writer.tryUuid(value)) {
    // written
  } else if (value.length === 64 && writer.tryHex256(value)) {
    // written
  } else if (value.length === 24 && isExactTime(value)) {
    if (exactMs % HOUR_MS === 0) {
      writer.byte(Value.TimeHours);
      writer.varint((exactMs + TIME_OFFSET) / HOUR_MS);
    } else {
      writer.byte(Value.Time);
      writer.varint(exactMs + TIME_OFFSET);
    }
  } else if (value.length > 0 && DIGITS.test(value)) {
    writer.byte(Value.Digits);
    writer.digits(value);
  } else if (!SURROGATE.test(value)) {
    writer.byte(Value.Text);
    writer.text(value);
  } else {
    writer.byte(Value.Json);
    writer.text(JSON.stringify(value));
  }
  texts.push(value);
}

/** The event data of a compact record: what JSON.parse gave for the JSON text of the data. */
export function decodeData(bytes: Uint8Array): unknown {
  source = bytes;
  offset = 0;
  const id = readByte();
  const dictionary = DATA_DICTIONARIES.get(id);
  if (!dictionary) throw new Error(`Unknown event data dictionary ${id}`);
  const data = readData(dictionary, []);
  if (offset !== bytes.length) throw new Error('Trailing bytes after event data');
  source = EMPTY;
  return data;
}

function readData(dictionary: DataDictionary, texts: string[]): unknown {
  const kind = readByte() as Value;
  let text: string;
  switch (kind) {
    case Value.Object: {
      const count = readVarint();
      const object: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) {
        const code = readVarint();
        const key = code === OTHER_KEY ? readText() : dictionary.keys[code - 1];
        if (key === undefined || key === '__proto__') throw new Error(`Unknown event data key code ${code}`);
        object[key] = readData(dictionary, texts);
      }
      return object;
    }
    case Value.Shape: {
      const shape = dictionary.shapes[readVarint()];
      const mask = readVarint();
      if (!shape || mask >= 2 ** shape.length) throw new Error('Unknown event data shape');
      const object: Record<string, unknown> = {};
      for (let at = 0; at < shape.length; at++)
        if (mask & (1 << at)) object[shape[at]!] = readData(dictionary, texts);
      return object;
    }
    case Value.Array: {
      const count = readVarint();
      const array: unknown[] = [];
      for (let i = 0; i < count; i++) array.push(readData(dictionary, texts));
      return array;
    }
    case Value.Word: {
      const code = readVarint();
      const word = dictionary.words[code];
      if (word === undefined) throw new Error(`Unknown event data word code ${code}`);
      return word;
    }
    case Value.Count:
      return readVarint();
    case Value.True:
      return true;
    case Value.False:
      return false;
    case Value.Null:
      return null;
    case Value.Json: {
      const value = JSON.parse(readText()) as unknown;
      if (typeof value !== 'string') return value;
      text = value;
      break;
    }
    case Value.Text:
    case Value.Uuid:
    case Value.Hex256:
    case Value.Time:
      text = readPlainText(kind);
      break;
    case Value.Digits:
      text = readDigits();
      break;
    case Value.TimeHours:
      text = timeText(readVarint() * HOUR_MS - TIME_OFFSET);
      break;
    case Value.Repeat: {
      const earlier = texts[readByte()];
      if (earlier === undefined) throw new Error('Event data repeats a value it does not have');
      text = earlier;
      break;
    }
    default:
      throw new Error(`Unknown event data value kind ${String(kind)}`);
  }
  texts.push(text);
  return text;
}

/** A text value of a kind metadata and data both write: plain UTF-8, a UUID, a SHA-256 hash, an exact time. */
function readPlainText(kind: Value.Text | Value.Uuid | Value.Hex256 | Value.Time): string {
  switch (kind) {
    case Value.Text:
      return readText();
    case Value.Uuid:
      return uuidText(source, take(16));
    case Value.Hex256: {
      const start = take(32);
      return hexSlice.call(source, start, start + 32);
    }
    case Value.Time:
      return timeText(readVarint() - TIME_OFFSET);
  }
}

function readDigits(): string {
  const length = readVarint();
  const start = take((length + 1) >> 1);
  let text = '';
  for (let i = 0; i < length >> 1; i++) text += DIGIT_PAIRS[source[start + i]!]!;
  if (length & 1) text += DIGIT_CHARS[source[start + (length >> 1)]! >> 4] ?? '';
  if (text.length !== length) throw new Error('Malformed digits in event data');
  return text;
}

const EMPTY = new Uint8Array(0);
let source: Uint8Array = EMPTY;
let offset = 0;

// Node's own slicers (what Buffer#toString calls) work on any Uint8Array: no Buffer view per record.
const hexSlice = (Buffer.prototype as unknown as { hexSlice: (start: number, end: number) => string })
  .hexSlice;
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice: (start: number, end: number) => string })
  .utf8Slice;

function readByte(): number {
  if (offset >= source.length) throw new Error('Truncated event metadata');
  return source[offset++]!;
}

function readVarint(): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = readByte();
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
  }
}

/** Skips `length` bytes; returns where they start. */
function take(length: number): number {
  const start = offset;
  if (start + length > source.length) throw new Error('Truncated event metadata');
  offset = start + length;
  return start;
}

function readText(): string {
  const length = readVarint();
  const start = take(length);
  return utf8Slice.call(source, start, start + length);
}

function uuidText(bytes: Uint8Array, at: number): string {
  const hex = hexSlice.call(bytes, at, at + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Appends to one shared buffer (encoding is synchronous), copied out once per record. */
class Writer {
  private static shared = new Uint8Array(1024);
  private buffer = Writer.shared;
  private length = 0;

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = Writer.shared = bigger;
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }

  varint(value: number): void {
    this.room(8);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = rest;
  }

  text(value: string): void {
    // ASCII (ids, actors, command ids) byte by byte; anything else through the encoder.
    if (value.length < 0x80) {
      this.room(1 + value.length);
      const at = this.length;
      let ascii = true;
      for (let i = 0; i < value.length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) {
          ascii = false;
          break;
        }
        this.buffer[at + 1 + i] = code;
      }
      if (ascii) {
        this.buffer[at] = value.length;
        this.length = at + 1 + value.length;
        return;
      }
    }
    const bytes = Buffer.from(value, 'utf8');
    this.varint(bytes.length);
    this.room(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Digits, '.' and '-' (the caller checked) as a length and a nibble each, 0xf padding an odd length. */
  digits(value: string): void {
    this.varint(value.length);
    this.room((value.length + 1) >> 1);
    for (let i = 0; i < value.length; i += 2) {
      const high = NIBBLE[value.charCodeAt(i)]!;
      const low = i + 1 < value.length ? NIBBLE[value.charCodeAt(i + 1)]! : 0xf;
      this.buffer[this.length++] = (high << 4) | low;
    }
  }

  /** Writes a lowercase canonical UUID (kind byte and 16 bytes); false, writing nothing, for any other. */
  tryUuid(value: string): boolean {
    this.room(17);
    if (!writeUuid(this.buffer, this.length + 1, value)) return false;
    this.buffer[this.length] = Value.Uuid;
    this.length += 17;
    return true;
  }

  /** Writes 64 lowercase hex digits (kind byte and 32 bytes); false, writing nothing, for any other. */
  tryHex256(value: string): boolean {
    this.room(33);
    const at = this.length + 1;
    for (let i = 0; i < 32; i++) {
      const high = HEX_DIGIT[value.charCodeAt(2 * i)] ?? -1;
      const low = HEX_DIGIT[value.charCodeAt(2 * i + 1)] ?? -1;
      if (high < 0 || low < 0) return false;
      this.buffer[at + i] = (high << 4) | low;
    }
    this.buffer[this.length] = Value.Hex256;
    this.length += 33;
    return true;
  }

  finish(): Uint8Array {
    // A slice of Node's buffer pool, not a new ArrayBuffer per record: small allocations each cost the
    // garbage collector more than the encoding itself.
    const record = Buffer.allocUnsafe(this.length);
    record.set(this.buffer.subarray(0, this.length));
    return record;
  }
}

const DASH = 0x2d;
/** Value of each lowercase hex digit by char code, -1 for anything else. */
const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) HEX_DIGIT['0123456789abcdef'.charCodeAt(digit)] = digit;

/** Writes the 16 bytes of a lowercase canonical UUID at `at`; false when `uuid` is not one. */
function writeUuid(bytes: Uint8Array, at: number, uuid: string): boolean {
  if (uuid.length !== 36) return false;
  let out = at;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (uuid.charCodeAt(i) !== DASH) return false;
      i += 1;
    }
    const high = HEX_DIGIT[uuid.charCodeAt(i)] ?? -1;
    const low = HEX_DIGIT[uuid.charCodeAt(i + 1)] ?? -1;
    if (high < 0 || low < 0) return false;
    bytes[out++] = (high << 4) | low;
  }
  return true;
}
