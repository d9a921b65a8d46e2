import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import { ensurePrivateDir, isOpenToOthers, makeFilePrivate, PRIVATE_FILE } from '../files/private-files.js';

/**
 * The master key that wraps (encrypts) every per-account personal-data key in keys.sqlite: 32 bytes for
 * AES-256-GCM. It never prints: logging or serialising the config shows `[redacted]`.
 */
export class MasterKey {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    if (bytes.length !== 32) throw new Error(`A master key is 32 bytes (got ${bytes.length})`);
    this.#bytes = Buffer.from(bytes);
  }
  static random(): MasterKey {
    return new MasterKey(randomBytes(32));
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return 'MasterKey [redacted]';
  }
  [inspect.custom](): string {
    return 'MasterKey [redacted]';
  }
}

export const MASTER_KEY_FORMAT =
  '32 random bytes as 64 hex digits or as base64 (e.g. the output of `openssl rand -base64 32`)';

/** The key in `text` (64 hex digits or base64 of 32 bytes, surrounding whitespace ignored), or undefined. */
export function parseMasterKey(text: string): MasterKey | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return new MasterKey(Buffer.from(value, 'hex'));
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value) || /^[A-Za-z0-9_-]{43}$/.test(value)) {
    const bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === 32) return new MasterKey(bytes);
  }
  return undefined;
}

/** Reads a key file: it must exist, be readable by its owner only, and hold one key. Problems name `variable`. */
export function readMasterKeyFile(path: string, variable: string): MasterKey | string {
  if (!existsSync(path)) return `${variable} names a file that does not exist (${path})`;
  if (isOpenToOthers(path))
    return `${variable} (${path}) must be readable by its owner only: run chmod 600 ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return `${variable} (${path}) cannot be read: ${(error as Error).message}`;
  }
  return parseMasterKey(text) ?? `${variable} (${path}) must hold ${MASTER_KEY_FORMAT}`;
}

/**
 * Development only: the key file beside the data, created 0600 on the first start. It keeps a fresh
 * clone's `npm start` working; a key stored next to what it protects protects little, hence production
 * (NODE_ENV=production) requires a key from outside.
 */
export function developmentMasterKey(path: string): { key: MasterKey; created: boolean } {
  if (existsSync(path)) {
    makeFilePrivate(path); // ours: tighten it rather than refuse (e.g. after a copy of the data folder)
    const key = readMasterKeyFile(path, 'The development master key file');
    if (typeof key === 'string') throw new Error(key);
    return { key, created: false };
  }
  ensurePrivateDir(dirname(path));
  const key = MasterKey.random();
  // Written whole to a temporary file, then linked into place: two instances starting together on a
  // fresh folder agree on one key (link fails if the file exists), and none reads a half-written file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${key.bytes.toString('base64')}\n`, { mode: PRIVATE_FILE });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return developmentMasterKey(path);
  } finally {
    unlinkSync(temporary);
  }
  return { key, created: true };
}
