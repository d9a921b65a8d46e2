import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isRole, isScope, ROLE_SCOPES, ROLES, SCOPES, type Role, type Scope } from './scopes.js';

export { ROLES, SCOPES, type Role, type Scope };

/** An API key as stored: only its SHA-256 hash is kept at rest. */
export interface ApiKeyRecord {
  name: string;
  /** The preset the key was given, if it was given one (it names the caller in logs and events). */
  role?: Role;
  /** What the key may do: its role's preset and its explicit scopes together. */
  scopes: readonly Scope[];
  sha256: string;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** How a caller is named in events' `actor` and in the access log: `<role or "key">:<name>`. */
export const callerLabel = (record: Pick<ApiKeyRecord, 'name' | 'role'>) =>
  `${record.role ?? 'key'}:${record.name}`;

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

/** A key record from a role, explicit scopes, or both (the union). */
export function apiKeyRecord(
  name: string,
  grants: { role?: Role; scopes?: readonly Scope[] },
  sha256: string,
): ApiKeyRecord {
  const held = new Set<Scope>([...(grants.role ? ROLE_SCOPES[grants.role] : []), ...(grants.scopes ?? [])]);
  return {
    name,
    ...(grants.role ? { role: grants.role } : {}),
    scopes: SCOPES.filter((s) => held.has(s)),
    sha256,
  };
}

const GRANT_RULE = `a role (${ROLES.join(', ')}) or scopes (${SCOPES.join(', ')})`;

/**
 * Parses API_KEYS (`name:grants:sha256,…`, grants being a role, scopes, or both joined by `+`, e.g.
 * `meter:usage:write:<sha256>` or `billing-ui:read+accounts:write:<sha256>`) or API_KEYS_FILE (a JSON array
 * of `{ name, role?, scopes?, sha256 }`). Every problem names the entry and the rule it breaks.
 */
export function parseApiKeyRecords(source: string, json: boolean): ApiKeyRecord[] {
  let entries: unknown[];
  if (json) {
    const parsed = JSON.parse(source) as unknown;
    if (!Array.isArray(parsed))
      throw new Error('must be a JSON array of { name, role?, scopes?, sha256 } (one object per key)');
    entries = parsed;
  } else {
    entries = source
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((entry) => {
        // Scopes contain a colon themselves: the name is before the first colon, the hash after the last.
        const parts = entry.split(':');
        const grants = parts.length >= 3 ? parts.slice(1, -1).join(':').split('+') : [];
        return {
          name: parts[0],
          role: grants.filter(isRole)[0],
          // A second role adds its preset's scopes (the record keeps one role to name the caller).
          scopes: grants.flatMap((g, i): string[] =>
            !isRole(g) ? [g] : grants.findIndex(isRole) === i ? [] : [...ROLE_SCOPES[g]],
          ),
          sha256: parts.length >= 2 ? parts.at(-1) : undefined,
        };
      });
  }
  return entries.map((entry, index) => {
    const { name, role, scopes, sha256 } = (entry ?? {}) as {
      name?: unknown;
      role?: unknown;
      scopes?: unknown;
      sha256?: unknown;
    };
    const at = `API key entry ${index + 1}${typeof name === 'string' && name ? ` (${name})` : ''}`;
    if (typeof name !== 'string' || !name.trim()) throw new Error(`${at} must have a name`);
    // The hash first: `name:usage:write` without one would otherwise read as the scope 'usage'.
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
      throw new Error(`${at}: sha256 must be the SHA-256 of the key as 64 lowercase hex digits`);
    if (role !== undefined && !(typeof role === 'string' && isRole(role)))
      throw new Error(`${at}: role must be one of ${ROLES.join(', ')} (got '${String(role)}')`);
    if (scopes !== undefined && !Array.isArray(scopes))
      throw new Error(`${at}: scopes must be an array of scope names (${SCOPES.join(', ')})`);
    const unknown = ((scopes ?? []) as unknown[]).filter((s) => !(typeof s === 'string' && isScope(s)));
    if (unknown.length > 0)
      throw new Error(`${at}: '${unknown.map(String).join("', '")}' is not ${GRANT_RULE}`);
    if (role === undefined && ((scopes ?? []) as unknown[]).length === 0)
      throw new Error(`${at} must have ${GRANT_RULE}`);
    return apiKeyRecord(name, { role: role as Role | undefined, scopes: scopes as Scope[] }, sha256);
  });
}

/** The stored form of a record: a preset key keeps only its role, so a preset widened later applies. */
const storedForm = (record: ApiKeyRecord) =>
  record.role ? { name: record.name, role: record.role, sha256: record.sha256 } : record;

/**
 * On first start without configured keys, creates one key per role, so `npm start` works on a fresh clone
 * without shipping a default secret: their hashes in `path` (0600), the keys themselves once in
 * `api-keys.generated.txt` beside it (0600) for the developer to pick up. Keys never go to a log.
 */
export function ensureGeneratedKeys(path: string): {
  records: ApiKeyRecord[];
  created?: { path: string; roles: Role[] };
} {
  if (existsSync(path)) return { records: parseApiKeyRecords(readFileSync(path, 'utf8'), true) };
  const keys = Object.fromEntries(
    ROLES.map((role) => [role, `bk_${role}_${randomBytes(24).toString('base64url')}`]),
  ) as Record<Role, string>;
  const records = ROLES.map((role) => apiKeyRecord(`generated-${role}`, { role }, hashApiKey(keys[role])));
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const plainPath = join(dirname(path), 'api-keys.generated.txt');
  writeFileSync(
    plainPath,
    '# API keys generated on the first start, one per role. The service keeps only their hashes\n' +
      `# (${path}): keep these in your secrets store and delete this file.\n` +
      ROLES.map((role) => `${role}=${keys[role]}\n`).join(''),
    { mode: 0o600 },
  );
  writeFileSync(path, JSON.stringify(records.map(storedForm), null, 2), { mode: 0o600 });
  return { records, created: { path: plainPath, roles: [...ROLES] } };
}
