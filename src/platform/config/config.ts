import { MASTER_KEY_FORMAT, type MasterKey } from '../secrets/master-key.js';
import { CONFIG_SCHEMA, isSet, readVariable, type ConfigName, type ConfigValue, type Env } from './schema.js';

export { ConfigProblem, CONFIG_SCHEMA, type Env } from './schema.js';

/**
 * Configuration comes from the environment and is validated once at start-up. Every problem is
 * reported together, naming the variable and what is allowed, so a bad deployment fails fast and clearly.
 */
export interface AppConfig {
  host: string;
  port: number;
  eventStore: { kind: 'sqlite'; path: string } | { kind: 'esdb'; connectionString: string };
  dataDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** A folder of policy profile JSON files added to the built-in ones. */
  policyProfilesDir?: string;
  /**
   * `system`, or a virtual clock (a test clock, as in a payment provider's sandbox) that starts at `start`
   * and moves only when ops advance it: a month of billing in seconds, for integration tests and demos.
   */
  clock: { kind: 'system' } | { kind: 'virtual'; start: string };
  /** How far from the clock input times may lie (EFFECTIVE_TIME_MAX_PAST_DAYS / _MAX_FUTURE_MINUTES). */
  effectiveTimeWindow: { maxPastDays: number; maxFutureMinutes: number };
  /**
   * The key that wraps the per-account personal-data keys: given (PERSONAL_DATA_MASTER_KEY or
   * PERSONAL_DATA_MASTER_KEY_FILE, required with NODE_ENV=production), or in development a key file
   * generated in the data folder.
   */
  personalDataMasterKey:
    | { kind: 'given'; from: 'PERSONAL_DATA_MASTER_KEY' | 'PERSONAL_DATA_MASTER_KEY_FILE'; key: MasterKey }
    | { kind: 'development'; path: string };
  /** Limits of the HTTP edge and of Idempotency-Key claims (see loadTransportConfig). */
  transport: TransportConfig;
  /** Delivery of issued documents: SMTP, the worker, retries (see loadDeliveryConfig; issue 13 item 7). */
  delivery?: DeliveryConfig;
  /** RATE_LIMIT_PER_MINUTE: requests a minute per API key (per IP without one); 0 turns the limit off. */
  rateLimit?: { perMinute: number };
  /** LEDGER_CACHE_EVENTS: the ledger cache's budget, in events folded into the cached states. */
  ledgerCacheEvents?: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * The service's configuration. Besides its own variables it checks every other one in the schema
 * (read models, workers, the anchor, keys …), so a start-up reports all the problems of the environment
 * together rather than one loader at a time.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = readerOf(env, problems);

  const host = read('HOST');
  const port = read('PORT');
  const dataDir = read('DATA_DIR');
  const kind = read('EVENT_STORE');
  let eventStore: AppConfig['eventStore'] = {
    kind: 'sqlite',
    path: read('SQLITE_PATH') ?? `${dataDir}/events.sqlite`,
  };
  const connectionString = read('ESDB_CONNECTION_STRING');
  if (kind === 'esdb') {
    if (!isSet(env, 'ESDB_CONNECTION_STRING'))
      problems.push(
        `ESDB_CONNECTION_STRING must be an esdb:// or kurrentdb:// connection string when EVENT_STORE=esdb (got '')`,
      );
    eventStore = { kind: 'esdb', connectionString: connectionString ?? '' };
  }

  // --- effective-time window (issue 17, defect 5) ---
  const effectiveTimeWindow = {
    maxPastDays: read('EFFECTIVE_TIME_MAX_PAST_DAYS'),
    maxFutureMinutes: read('EFFECTIVE_TIME_MAX_FUTURE_MINUTES'),
  };
  // --- end effective-time window ---
  // ── Secrets at rest (issue 17): the personal-data master key ─────────────────────────────────────────
  // Production is NODE_ENV=production (what container images and process managers set); there a key from
  // outside the data folder is required, and start-up stops without one.
  const production = read('NODE_ENV') === 'production';
  let personalDataMasterKey: AppConfig['personalDataMasterKey'] = {
    kind: 'development',
    path: `${dataDir}/personal-data-master.key`,
  };
  if (isSet(env, 'PERSONAL_DATA_MASTER_KEY') && isSet(env, 'PERSONAL_DATA_MASTER_KEY_FILE')) {
    problems.push('Set only one of PERSONAL_DATA_MASTER_KEY and PERSONAL_DATA_MASTER_KEY_FILE');
    // One problem is enough: which of the two was meant is the operator's choice.
    read.names.add('PERSONAL_DATA_MASTER_KEY').add('PERSONAL_DATA_MASTER_KEY_FILE');
  } else if (isSet(env, 'PERSONAL_DATA_MASTER_KEY')) {
    const key = read('PERSONAL_DATA_MASTER_KEY');
    if (key) personalDataMasterKey = { kind: 'given', from: 'PERSONAL_DATA_MASTER_KEY', key };
  } else if (isSet(env, 'PERSONAL_DATA_MASTER_KEY_FILE')) {
    const key = read('PERSONAL_DATA_MASTER_KEY_FILE');
    if (key) personalDataMasterKey = { kind: 'given', from: 'PERSONAL_DATA_MASTER_KEY_FILE', key };
  } else if (production) {
    problems.push(
      'PERSONAL_DATA_MASTER_KEY or PERSONAL_DATA_MASTER_KEY_FILE is required when NODE_ENV=production: it wraps the personal-data keys in keys.sqlite (' +
        `${MASTER_KEY_FORMAT}; the file readable by its owner only)`,
    );
  }
  // ── end of secrets at rest ───────────────────────────────────────────────────────────────────────────

  const policyProfilesDir = read('POLICY_PROFILES_DIR');
  const config: AppConfig = {
    host,
    port,
    eventStore,
    dataDir,
    logLevel: read('LOG_LEVEL'),
    ...(policyProfilesDir ? { policyProfilesDir } : {}),
    clock: read('CLOCK'),
    effectiveTimeWindow,
    personalDataMasterKey,
    transport: loadTransportConfig(env, read),
    delivery: loadDeliveryConfig(env, problems, read),
    rateLimit: { perMinute: read('RATE_LIMIT_PER_MINUTE') },
    ledgerCacheEvents: read('LEDGER_CACHE_EVENTS'),
  };
  // Unset, the retention follows a wider effective-time window; set, it must exceed it.
  if (!isSet(env, 'IDEMPOTENCY_RETENTION_DAYS'))
    config.transport.idempotencyRetentionDays = Math.max(
      config.transport.idempotencyRetentionDays,
      effectiveTimeWindow.maxPastDays + 1,
    );
  if (config.transport.idempotencyRetentionDays <= effectiveTimeWindow.maxPastDays)
    problems.push(
      `IDEMPOTENCY_RETENTION_DAYS must exceed EFFECTIVE_TIME_MAX_PAST_DAYS (${effectiveTimeWindow.maxPastDays}): ` +
        `a retry of a command that could still be accepted must find its first answer (got ${config.transport.idempotencyRetentionDays})`,
    );
  // The variables other loaders read: checked here too, so every problem is reported at once.
  for (const name of Object.keys(CONFIG_SCHEMA) as ConfigName[])
    if (!read.names.has(name)) readVariable(env, name, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Reads variables through the schema into one list of problems, remembering which it read. */
export function readerOf(env: Env, problems: string[]) {
  const names = new Set<ConfigName>();
  const read = <N extends ConfigName>(name: N): ConfigValue<N> => {
    names.add(name);
    return readVariable(env, name, problems);
  };
  return Object.assign(read, { names, problems });
}

export type ConfigReader = ReturnType<typeof readerOf>;

// ─── Transport limits (issue 17: defects 2, 4, 6) ─────────────────────────────────────────────────────────

export interface TransportConfig {
  /** HTTP_HEADERS_TIMEOUT_MS: a client must have sent every header within this time. */
  headersTimeoutMs: number;
  /** HTTP_REQUEST_TIMEOUT_MS: … and its whole body within this time after the headers (slow bodies do not hold sockets). */
  requestTimeoutMs: number;
  /** MAX_JSON_DEPTH: the deepest nesting of objects and arrays a JSON body may have. */
  maxJsonDepth: number;
  /** IDEMPOTENCY_LEASE_MS: how long a claimed Idempotency-Key stays claimed without its attempt renewing it. */
  idempotencyLeaseMs: number;
  /**
   * IDEMPOTENCY_RETENTION_DAYS: how long an answered Idempotency-Key replays its first answer. More than the
   * effective-time window, so any retry whose command could still be accepted finds its record; the
   * command itself never takes effect twice whatever this is (event ids, payment and usage ids).
   */
  idempotencyRetentionDays: number;
  /** READY_STORAGE_FAILURE_SECONDS: how long a storage failure keeps /ready at 503 unless storage works again. */
  readyStorageFailureSeconds: number;
}

export const TRANSPORT_DEFAULTS: TransportConfig = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxJsonDepth: 32,
  idempotencyLeaseMs: 10_000,
  idempotencyRetentionDays: 400,
  readyStorageFailureSeconds: 30,
};

function loadTransportConfig(env: Env, read: ConfigReader): TransportConfig {
  const requestTimeoutMs = read('HTTP_REQUEST_TIMEOUT_MS');
  // Unset, the headers' time is at most the request's.
  const headersTimeoutMs = isSet(env, 'HTTP_HEADERS_TIMEOUT_MS')
    ? read('HTTP_HEADERS_TIMEOUT_MS')
    : Math.min(read('HTTP_HEADERS_TIMEOUT_MS'), requestTimeoutMs);
  if (headersTimeoutMs > requestTimeoutMs)
    read.problems.push(
      `HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (got ${headersTimeoutMs} > ${requestTimeoutMs})`,
    );
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    maxJsonDepth: read('MAX_JSON_DEPTH'),
    idempotencyLeaseMs: read('IDEMPOTENCY_LEASE_MS'),
    idempotencyRetentionDays: read('IDEMPOTENCY_RETENTION_DAYS'),
    readyStorageFailureSeconds: read('READY_STORAGE_FAILURE_SECONDS'),
  };
}
// ─── end of transport limits ─────────────────────────────────────────────────────────────────────────────
// ─── Tamper evidence: the log anchor (signed checkpoints) ─────────────────────────────────────────────
// Its own block and its own loader: the signing key must never sit in the store it vouches for, so it is
// read from the environment or a key file, and checked here so that a bad key stops start-up clearly.

export interface AnchorConfig {
  /** The anchor's own SQLite file: anchored events and signed checkpoints, beside (not inside) the store. */
  db: string;
  /** Where the Ed25519 private key comes from. `create`: write a new key file (0600) when it is absent. */
  signingKey: { kind: 'env'; pem: string } | { kind: 'file'; path: string; create: boolean };
  /** A pinned public key (PEM) to verify with; default: the signing key's own. */
  publicKey?: string;
  /** A checkpoint is signed after this many new events … */
  everyEvents: number;
  /** … or this often when fewer arrived (milliseconds). */
  intervalMs: number;
}

/** Reads ANCHOR_* (see README); throws ConfigError naming each bad variable. */
export function loadAnchorConfig(env: Env = process.env, dataDir = loadConfig(env).dataDir): AnchorConfig {
  const problems: string[] = [];
  const read = readerOf(env, problems);
  const production = read('NODE_ENV') === 'production';
  const file = read('ANCHOR_KEY_FILE');
  let signingKey: AnchorConfig['signingKey'] = {
    kind: 'file',
    path: file ?? `${dataDir}/anchor-signing-key.pem`,
    // In production a missing key is an error, never silently replaced: a new key would vouch for anything.
    create: !production,
  };
  if (isSet(env, 'ANCHOR_SIGNING_KEY') && file !== undefined) {
    problems.push('ANCHOR_SIGNING_KEY and ANCHOR_KEY_FILE are both set: set one of them');
  } else if (isSet(env, 'ANCHOR_SIGNING_KEY')) {
    const pem = read('ANCHOR_SIGNING_KEY');
    if (pem !== undefined) signingKey = { kind: 'env', pem };
  }
  const publicKey = read('ANCHOR_PUBLIC_KEY');
  const config: AnchorConfig = {
    db: read('ANCHOR_DB') ?? `${dataDir}/anchor.sqlite`,
    signingKey,
    ...(publicKey !== undefined ? { publicKey } : {}),
    everyEvents: read('ANCHOR_EVERY_EVENTS'),
    intervalMs: read('ANCHOR_INTERVAL_MS'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
// ─── end of the log anchor block ───────────────────────────────────────────────────────────────────────

// ─── Delivery of issued documents (issue 13, item 7) ─────────────────────────────────────────────────────

export interface DeliveryConfig {
  /**
   * SMTP_URL: `smtp://[user:password@]host:port` (or `smtps://` for TLS from the start). Absent: e-mail
   * delivery is disabled (each e-mail delivery is recorded as skipped, and ops status says so).
   * `url` holds the credentials and is never printed; `display` is the same without them.
   */
  smtp?: { url: string; display: string };
  /** DELIVERY_FROM: the sender of the e-mails (`billing@example.com` or `Billing <billing@example.com>`). */
  from?: string;
  /** DELIVERY_WORKER: `run` (default) or `off` (this instance sends nothing; another one does). */
  worker: 'run' | 'off';
  /** DELIVERY_RETRY_BASE_MS, DELIVERY_RETRY_MAX_MS, DELIVERY_MAX_ATTEMPTS: exponential back-off. */
  retry: { baseMs: number; maxMs: number; maxAttempts: number };
  /** DELIVERY_WEBHOOK_TIMEOUT_MS: how long a webhook receiver may take to answer. */
  webhookTimeoutMs: number;
  /** DELIVERY_POLL_MS: how often the holder looks for due deliveries. */
  pollMs: number;
  /**
   * DELIVERY_SINCE: documents stored before this instant are not delivered — set it on the first deployment
   * over an existing log, or every document ever issued is e-mailed and announced.
   */
  since?: string;
}

export const DELIVERY_DEFAULTS: DeliveryConfig = {
  worker: 'run',
  retry: { baseMs: 5_000, maxMs: 3_600_000, maxAttempts: 12 },
  webhookTimeoutMs: 10_000,
  pollMs: 1_000,
};

export function loadDeliveryConfig(
  env: Env = process.env,
  problems: string[] = [],
  read: ConfigReader = readerOf(env, problems),
): DeliveryConfig {
  const baseMs = read('DELIVERY_RETRY_BASE_MS');
  // Unset, the longest wait is at least the first one.
  const maxMs = isSet(env, 'DELIVERY_RETRY_MAX_MS')
    ? read('DELIVERY_RETRY_MAX_MS')
    : Math.max(read('DELIVERY_RETRY_MAX_MS'), baseMs);
  if (maxMs < baseMs)
    read.problems.push(
      `DELIVERY_RETRY_MAX_MS must not be below DELIVERY_RETRY_BASE_MS (got ${maxMs} < ${baseMs})`,
    );
  const config: DeliveryConfig = {
    worker: read('DELIVERY_WORKER'),
    retry: { baseMs, maxMs, maxAttempts: read('DELIVERY_MAX_ATTEMPTS') },
    webhookTimeoutMs: read('DELIVERY_WEBHOOK_TIMEOUT_MS'),
    pollMs: read('DELIVERY_POLL_MS'),
  };
  const since = read('DELIVERY_SINCE');
  if (since !== undefined) config.since = since;
  const smtp = read('SMTP_URL');
  if (smtp !== undefined) config.smtp = smtp;
  const from = read('DELIVERY_FROM');
  if (from !== undefined) config.from = from;
  else if (config.smtp && !isSet(env, 'DELIVERY_FROM'))
    read.problems.push('DELIVERY_FROM is required with SMTP_URL: the sender of the e-mailed documents');
  return config;
}
// ─── end of delivery ─────────────────────────────────────────────────────────────────────────────────────
