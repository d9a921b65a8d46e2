// The embedded store's compact row encoding: event ids as 16-byte UUIDs and metadata as a short binary
// record instead of JSON text (no repeated keys, ids and hashes in binary, times as epoch milliseconds).
// Data stays JSON text, readable with SQL. Decoding gives exactly the objects JSON.parse gave for the old
// rows (same keys, same order, same values), so hash chains, the audit export and the adapters see no
// difference; anything that would not round-trip exactly is stored as JSON instead.
import type { EventMetadata } from '../event-store.port.js';

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
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX_256 = /^[0-9a-f]{64}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SURROGATE = /[\uD800-\uDFFF]/;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** True when `id` is stored as 16 bytes (every id the engine derives is a lowercase UUID). */
export function isCompactId(id: string): boolean {
  return id.length === 36 && UUID.test(id);
}

export function encodeId(id: string): Uint8Array {
  const bytes = new Uint8Array(16);
  writeUuid(bytes, 0, id);
  return bytes;
}

export function decodeId(bytes: Uint8Array): string {
  return readUuid(bytes, 0);
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
    } else if (value.length === 36 && UUID.test(value)) {
      writer.byte(Value.Uuid);
      writer.uuid(value);
    } else if (value.length === 64 && HEX_256.test(value)) {
      writer.byte(Value.Hex256);
      writer.hex(value);
    } else if (value.length === 24 && ISO_TIME.test(value) && isExactTime(value)) {
      writer.byte(Value.Time);
      writer.varint(Date.parse(value) + TIME_OFFSET);
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

function isExactTime(value: string): boolean {
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms + TIME_OFFSET >= 0 && new Date(ms).toISOString() === value;
}

export function decodeMetadata(bytes: Uint8Array): EventMetadata {
  const reader = new Reader(bytes);
  const format = reader.byte();
  if (format !== FORMAT_V1) throw new Error(`Unknown event metadata format ${format}`);
  const metadata: EventMetadata = {};
  const texts: string[] = [];
  while (!reader.done()) {
    const code = reader.byte();
    const key = code === OTHER_KEY ? reader.text() : KNOWN_KEYS[code - 1];
    if (key === undefined) throw new Error(`Unknown event metadata key code ${code}`);
    const kind = reader.byte() as Value;
    let value: unknown;
    switch (kind) {
      case Value.Json:
        value = JSON.parse(reader.text());
        break;
      case Value.Text:
        value = reader.text();
        break;
      case Value.Uuid:
        value = reader.uuid();
        break;
      case Value.Hex256:
        value = reader.hex(32);
        break;
      case Value.Time:
        value = new Date(reader.varint() - TIME_OFFSET).toISOString();
        break;
      case Value.Count:
        value = reader.varint();
        break;
      case Value.Repeat:
        value = texts[reader.byte()];
        break;
      default:
        throw new Error(`Unknown event metadata value kind ${String(kind)}`);
    }
    if (typeof value === 'string') texts.push(value);
    metadata[key] = value;
  }
  return metadata;
}

class Writer {
  private buffer = new Uint8Array(256);
  private length = 0;

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
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
    const bytes = utf8.encode(value);
    this.varint(bytes.length);
    this.room(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  uuid(value: string): void {
    this.room(16);
    writeUuid(this.buffer, this.length, value);
    this.length += 16;
  }

  hex(value: string): void {
    this.room(value.length / 2);
    for (let i = 0; i < value.length; i += 2)
      this.buffer[this.length++] = parseInt(value.slice(i, i + 2), 16);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

class Reader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.offset >= this.bytes.length;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw new Error('Truncated event metadata');
    return this.bytes[this.offset++]!;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }

  text(): string {
    const length = this.varint();
    const end = this.offset + length;
    if (end > this.bytes.length) throw new Error('Truncated event metadata');
    const start = this.offset;
    this.offset = end;
    // Short ASCII strings (actors, command ids) are the common case: skip the decoder call.
    if (length <= 64) {
      let ascii = '';
      for (let i = start; i < end; i++) {
        const byte = this.bytes[i]!;
        if (byte >= 0x80) return utf8Decoder.decode(this.bytes.subarray(start, end));
        ascii += String.fromCharCode(byte);
      }
      return ascii;
    }
    return utf8Decoder.decode(this.bytes.subarray(start, end));
  }

  uuid(): string {
    if (this.offset + 16 > this.bytes.length) throw new Error('Truncated event metadata');
    const value = readUuid(this.bytes, this.offset);
    this.offset += 16;
    return value;
  }

  hex(length: number): string {
    if (this.offset + length > this.bytes.length) throw new Error('Truncated event metadata');
    let value = '';
    for (let i = 0; i < length; i++) value += HEX[this.bytes[this.offset + i]!];
    this.offset += length;
    return value;
  }
}

function writeUuid(bytes: Uint8Array, at: number, uuid: string): void {
  let out = at;
  for (let i = 0; i < 36;) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i += 1;
    bytes[out++] = parseInt(uuid.slice(i, i + 2), 16);
    i += 2;
  }
}

function readUuid(bytes: Uint8Array, at: number): string {
  const h = (i: number) => HEX[bytes[at + i]!]!;
  return (
    h(0) +
    h(1) +
    h(2) +
    h(3) +
    '-' +
    h(4) +
    h(5) +
    '-' +
    h(6) +
    h(7) +
    '-' +
    h(8) +
    h(9) +
    '-' +
    h(10) +
    h(11) +
    h(12) +
    h(13) +
    h(14) +
    h(15)
  );
}
