import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Role = 'service' | 'ops' | 'auditor';
export const ROLES: readonly Role[] = ['service', 'ops', 'auditor'];

/** An API key as stored: only its SHA-256 hash is kept at rest. */
export interface ApiKeyRecord {
  name: string;
  role: Role;
  sha256: string;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export class ApiKeyRegistry {
  constructor(private readonly records: ApiKeyRecord[]) {}

  /** The record whose hash matches, compared in constant time. */
  identify(presentedKey: string): ApiKeyRecord | undefined {
    const presented = Buffer.from(hashApiKey(presentedKey), 'hex');
    return this.records.find((record) => {
      const stored = Buffer.from(record.sha256, 'hex');
      return stored.length === presented.length && timingSafeEqual(stored, presented);
    });
  }
}

/** Parses `name:role:sha256,...` (API_KEYS) or a JSON file of ApiKeyRecord (API_KEYS_FILE). */
export function parseApiKeyRecords(source: string, json: boolean): ApiKeyRecord[] {
  const entries: unknown[] = json
    ? (JSON.parse(source) as unknown[])
    : source
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((entry) => {
          const [name, role, sha256] = entry.split(':');
          return { name, role, sha256 };
        });
  return entries.map((entry, index) => {
    const { name, role, sha256 } = (entry ?? {}) as Partial<ApiKeyRecord>;
    if (!name || !ROLES.includes(role as Role) || !/^[0-9a-f]{64}$/.test(sha256 ?? '')) {
      throw new Error(
        `API key entry ${index + 1} must have a name, a role (${ROLES.join(', ')}) and a sha256 hex hash of the key`,
      );
    }
    return { name, role: role as Role, sha256: sha256! };
  });
}

/**
 * On first start without configured keys, creates one key per role in the data directory and returns
 * the plaintext once, so `npm start` works on a fresh clone without shipping a default secret.
 */
export function ensureGeneratedKeys(path: string): {
  records: ApiKeyRecord[];
  created?: Record<Role, string>;
} {
  if (existsSync(path)) return { records: parseApiKeyRecords(readFileSync(path, 'utf8'), true) };
  const created = Object.fromEntries(
    ROLES.map((role) => [role, `bk_${role}_${randomBytes(24).toString('base64url')}`]),
  ) as Record<Role, string>;
  const records = ROLES.map((role) => ({
    name: `generated-${role}`,
    role,
    sha256: hashApiKey(created[role]),
  }));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(records, null, 2), { mode: 0o600 });
  return { records, created };
}
