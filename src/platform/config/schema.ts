import { createPrivateKey, createPublicKey } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { INSTANT_WITH_OFFSET, isRealInstant } from '../clock/instant.js';
import {
  MASTER_KEY_FORMAT,
  parseMasterKey,
  readMasterKeyFile,
  type MasterKey,
} from '../secrets/master-key.js';

/**
 * The one table of every environment variable the service reads: its rule, parser, default and meaning.
 * The loaders (loadConfig, loadAnchorConfig, loadProjectionsConfig, loadWorkersConfig …) read their values
 * through it, so every variable is checked the same way and refused with the same message:
 * `NAME must be <rule> (got '<value>')`. Rules that tie two variables together stay in the loaders.
 * The README configuration table lists exactly these names (schema.spec.ts holds the two together).
 */

export type Env = Record<string, string | undefined>;

/** A refusal whose whole text the parser words itself (a file's permissions, a key file's content). */
export class ConfigProblem {
  constructor(readonly message: string) {}
}

export interface Variable<T, D extends T | undefined = T | undefined> {
  /** What a valid value is, as the message says it: `NAME must be <rule>`. */
  readonly rule: string;
  /** The value, or undefined when it breaks the rule, or a problem worded in full. */
  readonly parse: (raw: string) => T | undefined | ConfigProblem;
  /** Used when the variable is unset or blank; a default that depends on other variables is the loader's. */
  readonly default: D;
  readonly description: string;
  /** How a refused value is shown: a secret is never echoed, only its length or nothing. */
  readonly shows?: 'value' | 'length' | 'nothing';
}

function variable<T, D extends T | undefined = undefined>(
  spec: Omit<Variable<T, D>, 'default'> & { default?: D },
): Variable<T, D> {
  return { ...spec, default: spec.default as D };
}

// ─── Parsers: one per kind of value ──────────────────────────────────────────────────────────────────────

function wholeNumber<D extends number | undefined = undefined>(o: {
  min: number;
  max: number;
  unit?: string;
  default?: D;
  description: string;
}): Variable<number, D> {
  return variable<number, D>({
    rule: `a whole number${o.unit ? ` of ${o.unit}` : ''} from ${o.min} to ${o.max}`,
    parse: (raw) => {
      const parsed = /^\d{1,10}$/.test(raw) ? Number.parseInt(raw, 10) : NaN;
      return parsed >= o.min && parsed <= o.max ? parsed : undefined;
    },
    ...(o.default === undefined ? {} : { default: o.default }),
    description: o.description,
  });
}

function oneOf<const T extends string>(allowed: readonly T[], fallback: T, description: string) {
  return variable<T, T>({
    rule: `one of ${allowed.join(', ')}`,
    parse: (raw) => ((allowed as readonly string[]).includes(raw) ? (raw as T) : undefined),
    default: fallback,
    description,
  });
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** A URL with one of the schemes, and a host. */
function urlWithScheme(schemes: readonly string[], raw: string): URL | undefined {
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
  if (!scheme || !schemes.includes(scheme)) return undefined;
  try {
    const url = new URL(raw);
    return url.hostname ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A file path: never a URL (a mistyped `mysql://x/y` must not become a file named `./mysql:/x/y`), and
 * where something already exists there, a file rather than a folder.
 */
function filePath(raw: string): string | undefined {
  if (SCHEME.test(raw) || raw.includes('\0')) return undefined;
  const existing = statSync(raw, { throwIfNoEntry: false });
  return existing && !existing.isFile() ? undefined : raw;
}

/** A SQLite file, or a postgres:// URL (a database several instances share). */
function databaseTarget(raw: string): string | undefined {
  if (SCHEME.test(raw)) return urlWithScheme(['postgres', 'postgresql'], raw) ? raw : undefined;
  return filePath(raw);
}

/** A file the service reads at start-up: it must exist and be readable now. */
function readableFile(name: string, raw: string): string | ConfigProblem {
  const existing = statSync(raw, { throwIfNoEntry: false });
  if (!existing?.isFile())
    return new ConfigProblem(`${name} must be a readable file (got '${raw}': no such file)`);
  try {
    accessSync(raw, constants.R_OK);
  } catch {
    return new ConfigProblem(`${name} must be a readable file (got '${raw}': not readable by this user)`);
  }
  return raw;
}

// RFC 1123 host names: labels of letters, digits and inner hyphens.
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A PEM as given, or base64 DER wrapped as PEM (an env var is easier to set on one line). */
export function anchorKeyPem(raw: string, kind: 'PRIVATE' | 'PUBLIC'): string {
  if (raw.includes('-----BEGIN')) return raw.replaceAll('\\n', '\n');
  const body = raw.replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${kind} KEY-----\n${body.join('\n')}\n-----END ${kind} KEY-----\n`;
}

function ed25519Pem(raw: string, kind: 'PRIVATE' | 'PUBLIC'): string | undefined {
  const pem = anchorKeyPem(raw, kind);
  try {
    const key = kind === 'PRIVATE' ? createPrivateKey(pem) : createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? pem : undefined;
  } catch {
    return undefined;
  }
}

const MAILBOX = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/;

const instant = (description: string) =>
  variable<string>({
    rule: 'an ISO-8601 time with an offset, e.g. 2026-12-01T00:00:00Z',
    parse: (raw) =>
      INSTANT_WITH_OFFSET.test(raw) && isRealInstant(raw) ? new Date(raw).toISOString() : undefined,
    description,
  });

const path = (description: string) =>
  variable<string>({ rule: 'a file path (not a URL; a file, not a folder)', parse: filePath, description });

// ─── The table ──────────────────────────────────────────────────────────────────────────────────────────

export const CONFIG_SCHEMA = {
  // The HTTP service
  HOST: variable<string, string>({
    rule: 'an IP address or a host name',
    parse: (raw) => (isIP(raw) !== 0 || HOSTNAME.test(raw) ? raw : undefined),
    default: '127.0.0.1',
    description: 'the interface to listen on',
  }),
  PORT: wholeNumber({ min: 0, max: 65535, default: 3000, description: 'the HTTP port' }),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'], 'info', 'the lowest level logged'),
  NODE_ENV: variable<string>({
    rule: 'a word such as production or development',
    parse: (raw) => (/^[A-Za-z0-9_-]{1,40}$/.test(raw) ? raw : undefined),
    description: '`production` requires the personal-data master key and never creates signing keys',
  }),
  // The store
  DATA_DIR: variable<string, string>({
    rule: 'a folder path (not a URL, not a file)',
    parse: (raw) => {
      if (SCHEME.test(raw) || raw.includes('\0')) return undefined;
      const existing = statSync(raw, { throwIfNoEntry: false });
      return existing && !existing.isDirectory() ? undefined : raw;
    },
    default: './data',
    description: 'where the embedded files are kept',
  }),
  EVENT_STORE: oneOf(
    ['sqlite', 'esdb'],
    'sqlite',
    'the event store: embedded SQLite or EventStoreDB / KurrentDB',
  ),
  SQLITE_PATH: path('the embedded event store file (default $DATA_DIR/events.sqlite)'),
  ESDB_CONNECTION_STRING: variable<string>({
    rule: 'an esdb:// or kurrentdb:// connection string',
    // Not parsed as a URL: a cluster's string lists several hosts (esdb://a:2113,b:2113).
    parse: (raw) =>
      /^(esdb|kurrentdb|kdb|esdb\+discover|kurrentdb\+discover):\/\/[^\s/?]+/.test(raw) ? raw : undefined,
    description: 'EventStoreDB / KurrentDB, required with EVENT_STORE=esdb',
  }),
  CLOCK: variable<{ kind: 'system' } | { kind: 'virtual'; start: string }, { kind: 'system' }>({
    rule: 'system or virtual:<ISO-8601 time with an offset>, e.g. virtual:2026-03-01T00:00:00+03:00',
    parse: (raw) => {
      if (raw === 'system') return { kind: 'system' };
      const start = /^virtual:(.+)$/.exec(raw)?.[1];
      return start !== undefined && INSTANT_WITH_OFFSET.test(start) && isRealInstant(start)
        ? { kind: 'virtual', start: new Date(start).toISOString() }
        : undefined;
    },
    default: { kind: 'system' },
    description: 'the system clock, or a test clock ops move forward',
  }),
  POLICY_PROFILES_DIR: variable<string>({
    rule: 'an existing folder',
    parse: (raw) => (statSync(raw, { throwIfNoEntry: false })?.isDirectory() ? raw : undefined),
    description: 'policy profile JSON files added to the built-in ones',
  }),
  // Keys and secrets
  // The records themselves are parsed where the keys are loaded (bootstrap), with the parser's own messages.
  API_KEYS: variable<string>({
    rule: 'comma-separated name:role-or-scopes:sha256 records',
    parse: (raw) => raw,
    description: 'the hashed API keys',
  }),
  API_KEYS_FILE: variable<string>({
    rule: 'a readable file',
    parse: (raw) => readableFile('API_KEYS_FILE', raw),
    description: 'the hashed API keys, from a file (JSON array or one record a line)',
  }),
  PERSONAL_DATA_MASTER_KEY: variable<MasterKey>({
    rule: MASTER_KEY_FORMAT,
    parse: parseMasterKey,
    // Never echo the value: a near-miss of a secret is still a secret.
    shows: 'length',
    description: 'wraps the per-account personal-data keys',
  }),
  PERSONAL_DATA_MASTER_KEY_FILE: variable<MasterKey>({
    rule: `a file holding ${MASTER_KEY_FORMAT}`,
    parse: (raw) => {
      const key = readMasterKeyFile(raw, 'PERSONAL_DATA_MASTER_KEY_FILE');
      return typeof key === 'string' ? new ConfigProblem(key) : key;
    },
    description: 'the same key from a file readable by its owner only',
  }),
  // Read models and workers
  READ_MODEL_DB: variable<string>({
    rule: 'a SQLite file path or a postgres:// (postgresql://) URL',
    parse: databaseTarget,
    description: 'the read models (default $DATA_DIR/read-models.sqlite)',
  }),
  PROJECTIONS: oneOf(['run', 'off'], 'run', 'whether this instance runs projections'),
  SERVICE_ROLE: oneOf(
    ['all', 'commands', 'projections'],
    'all',
    "what this instance is for: commands instances run no projection and their GET /ready ignores the read models' lag",
  ),
  PROJECTOR: oneOf(
    ['in-process', 'separate'],
    'separate',
    'where SERVICE_ROLE=all runs its read models: in a projector child process the service starts and stops, or in the request process',
  ),
  PROJECTION_LEASE_TTL_MS: wholeNumber({
    min: 1000,
    max: 3_600_000,
    unit: 'milliseconds',
    default: 15_000,
    description: 'how long a crashed instance keeps its projections and workers',
  }),
  INSTANCE_ID: variable<string>({
    rule: '1 to 200 visible characters',
    parse: (raw) => (/^[\x21-\x7e]{1,200}$/.test(raw) ? raw : undefined),
    description: "this instance's name in leases (default <hostname>:<pid>)",
  }),
  WORKERS_DB: variable<string>({
    rule: 'a postgres:// (postgresql://) URL',
    parse: (raw) => (urlWithScheme(['postgres', 'postgresql'], raw) ? raw : undefined),
    description: "the workers' checkpoints and leases (default READ_MODEL_DB if PostgreSQL, else files)",
  }),
  READY_MAX_PROJECTION_LAG_SECONDS: wholeNumber({
    min: 0,
    max: 31_536_000,
    unit: 'seconds',
    default: 60,
    description: 'GET /ready answers 503 when a projection or worker is further behind',
  }),
  READ_MODEL_WAIT_MS: wholeNumber({
    min: 0,
    max: 60_000,
    unit: 'milliseconds',
    default: 2000,
    description: 'how long a read waits for its read model before reading the log',
  }),
  // Input times
  EFFECTIVE_TIME_MAX_PAST_DAYS: wholeNumber({
    min: 0,
    max: 3660,
    default: 92,
    description: 'how far back an input time may lie',
  }),
  EFFECTIVE_TIME_MAX_FUTURE_MINUTES: wholeNumber({
    min: 0,
    max: 1440,
    default: 5,
    description: 'how far ahead of the clock an input time may lie',
  }),
  // The HTTP edge
  HTTP_HEADERS_TIMEOUT_MS: wholeNumber({
    min: 100,
    max: 3_600_000,
    unit: 'milliseconds',
    default: 10_000,
    description: 'a client must have sent all its headers within this time',
  }),
  HTTP_REQUEST_TIMEOUT_MS: wholeNumber({
    min: 100,
    max: 3_600_000,
    unit: 'milliseconds',
    default: 30_000,
    description: '… and its whole body within this time after the headers',
  }),
  MAX_JSON_DEPTH: wholeNumber({
    min: 2,
    max: 512,
    unit: 'levels',
    default: 32,
    description: 'how deep a JSON body may nest',
  }),
  READY_STORAGE_FAILURE_SECONDS: wholeNumber({
    min: 0,
    max: 86_400,
    unit: 'seconds',
    default: 30,
    description: 'how long a storage failure keeps GET /ready at 503',
  }),
  IDEMPOTENCY_LEASE_MS: wholeNumber({
    min: 100,
    max: 3_600_000,
    unit: 'milliseconds',
    default: 10_000,
    description: "how long an Idempotency-Key claim outlives its request's last sign of life",
  }),
  IDEMPOTENCY_RETENTION_DAYS: wholeNumber({
    min: 1,
    max: 36_500,
    unit: 'days',
    default: 400,
    description: 'how long an answered Idempotency-Key replays its first answer',
  }),
  RATE_LIMIT_PER_MINUTE: wholeNumber({
    min: 0,
    max: 1_000_000,
    unit: 'requests',
    default: 6000,
    description: 'requests a minute per API key (per IP without a key); 0 turns the limit off',
  }),
  LEDGER_CACHE_EVENTS: wholeNumber({
    min: 1_000,
    max: 100_000_000,
    unit: 'events',
    // ≈ 64 MiB (DEFAULT_LEDGER_CACHE_EVENTS, docs/operations.md#memory).
    default: 75_000,
    description:
      'the ledger states kept in memory, as the events folded into them plus 7 per state (≈ 0.9 KiB each): least recently used go first',
  }),
  // Tamper evidence
  ANCHOR_SIGNING_KEY: variable<string>({
    rule: 'an Ed25519 private key: PKCS#8 PEM, or its DER in base64',
    parse: (raw) => ed25519Pem(raw, 'PRIVATE'),
    shows: 'nothing',
    description: "the key that signs the log's checkpoints",
  }),
  ANCHOR_KEY_FILE: path('a file holding that key (default $DATA_DIR/anchor-signing-key.pem)'),
  ANCHOR_PUBLIC_KEY: variable<string>({
    rule: 'an Ed25519 public key: SPKI PEM, or its DER in base64',
    parse: (raw) => ed25519Pem(raw, 'PUBLIC'),
    // Not a secret, but a PEM spans lines: its length says enough.
    shows: 'length',
    description: 'a pinned public key checkpoints must verify with',
  }),
  ANCHOR_DB: path('the anchored events and signed checkpoints (default $DATA_DIR/anchor.sqlite)'),
  ANCHOR_EVERY_EVENTS: wholeNumber({
    min: 1,
    max: 1_000_000,
    unit: 'events',
    default: 100,
    description: 'a checkpoint is signed after this many new events …',
  }),
  ANCHOR_INTERVAL_MS: wholeNumber({
    min: 100,
    max: 86_400_000,
    unit: 'milliseconds',
    default: 10_000,
    description: '… or this often when fewer arrived',
  }),
  // Delivery of documents
  SMTP_URL: variable<{ url: string; display: string }>({
    rule: 'smtp://[user:password@]host:port or smtps://[user:password@]host:port',
    parse: (raw) => {
      const url = urlWithScheme(['smtp', 'smtps'], raw);
      return url
        ? { url: raw, display: `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}` }
        : undefined;
    },
    // It may hold the SMTP password.
    shows: 'nothing',
    description: 'where issued documents are e-mailed from',
  }),
  DELIVERY_FROM: variable<string>({
    rule: 'an e-mail address, e.g. billing@example.com or "Billing <billing@example.com>"',
    parse: (raw) => {
      const address = /<([^<>]+)>\s*$/.exec(raw)?.[1] ?? raw;
      return MAILBOX.test(address) && !/[\r\n]/.test(raw) ? raw : undefined;
    },
    description: "the e-mails' sender",
  }),
  DELIVERY_WORKER: oneOf(['run', 'off'], 'run', 'whether this instance delivers'),
  DELIVERY_SINCE: instant('documents stored before this instant are not delivered'),
  DELIVERY_RETRY_BASE_MS: wholeNumber({
    min: 10,
    max: 86_400_000,
    unit: 'milliseconds',
    default: 5000,
    description: 'the wait after a failed delivery attempt, doubled after each further failure',
  }),
  DELIVERY_RETRY_MAX_MS: wholeNumber({
    min: 10,
    max: 604_800_000,
    unit: 'milliseconds',
    default: 3_600_000,
    description: '… up to this wait',
  }),
  DELIVERY_MAX_ATTEMPTS: wholeNumber({
    min: 1,
    max: 100,
    unit: 'attempts',
    default: 12,
    description: '… and this many attempts',
  }),
  DELIVERY_WEBHOOK_TIMEOUT_MS: wholeNumber({
    min: 100,
    max: 300_000,
    unit: 'milliseconds',
    default: 10_000,
    description: 'how long a webhook receiver may take to answer',
  }),
  DELIVERY_POLL_MS: wholeNumber({
    min: 10,
    max: 60_000,
    unit: 'milliseconds',
    default: 1000,
    description: 'how often the delivery worker looks for due deliveries',
  }),
} as const;

export type ConfigName = keyof typeof CONFIG_SCHEMA;

/** What reading a variable gives: its default when it has one, else undefined when unset. */
export type ConfigValue<N extends ConfigName> =
  (typeof CONFIG_SCHEMA)[N] extends Variable<infer T, infer D>
    ? undefined extends D
      ? T | undefined
      : T
    : never;

/** The raw value, trimmed; blank counts as unset. */
export function rawValue(env: Env, name: ConfigName): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

/** Whether the variable is set (not blank). */
export const isSet = (env: Env, name: ConfigName): boolean => rawValue(env, name) !== undefined;

/**
 * Reads one variable through its rule. A refused value adds its problem and reads as the default, so the
 * loader goes on and every problem is reported together.
 */
export function readVariable<N extends ConfigName>(env: Env, name: N, problems: string[]): ConfigValue<N> {
  const spec = CONFIG_SCHEMA[name] as Variable<unknown>;
  const raw = rawValue(env, name);
  if (raw === undefined) return spec.default as ConfigValue<N>;
  const parsed = spec.parse(raw);
  if (parsed instanceof ConfigProblem) problems.push(parsed.message);
  else if (parsed === undefined) problems.push(`${name} must be ${spec.rule} (${shown(spec, raw)})`);
  else return parsed as ConfigValue<N>;
  return spec.default as ConfigValue<N>;
}

function shown(spec: Variable<unknown>, raw: string): string {
  if (spec.shows === 'length') return `got ${raw.length} characters`;
  if (spec.shows === 'nothing') return 'got something else; the value is not printed, it may be a secret';
  return `got '${raw}'`;
}

/** Every single-variable problem of the environment, in the table's order (the start-up check). */
export function environmentProblems(env: Env): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(CONFIG_SCHEMA) as ConfigName[]) readVariable(env, name, problems);
  return problems;
}
