import { createPrivateKey, createPublicKey } from 'node:crypto';
import { INSTANT_WITH_OFFSET, isRealInstant } from '../clock/instant.js';
import {
  MASTER_KEY_FORMAT,
  parseMasterKey,
  readMasterKeyFile,
  type MasterKey,
} from '../secrets/master-key.js';

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
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const value = (name: string, fallback: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = value(name, fallback);
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(', ')} (got '${raw}')`);
    return fallback;
  };

  const portRaw = value('PORT', '3000');
  const port = /^\d{1,5}$/.test(portRaw) ? Number.parseInt(portRaw, 10) : NaN;
  if (!(port >= 0 && port <= 65535))
    problems.push(`PORT must be an integer from 0 to 65535 (got '${portRaw}')`);

  const dataDir = value('DATA_DIR', './data');
  const kind = oneOf('EVENT_STORE', ['sqlite', 'esdb'] as const, 'sqlite');
  let eventStore: AppConfig['eventStore'] = {
    kind: 'sqlite',
    path: value('SQLITE_PATH', `${dataDir}/events.sqlite`),
  };
  if (kind === 'esdb') {
    const connectionString = value('ESDB_CONNECTION_STRING', '');
    if (!/^(esdb|kurrentdb|kdb|esdb\+discover|kurrentdb\+discover):\/\/.+/.test(connectionString)) {
      problems.push(
        `ESDB_CONNECTION_STRING must be an esdb:// or kurrentdb:// connection string when EVENT_STORE=esdb (got '${connectionString}')`,
      );
    }
    eventStore = { kind: 'esdb', connectionString };
  }

  const clockRaw = value('CLOCK', 'system');
  let clock: AppConfig['clock'] = { kind: 'system' };
  const virtualStart = /^virtual:(.+)$/.exec(clockRaw)?.[1];
  if (virtualStart !== undefined && INSTANT_WITH_OFFSET.test(virtualStart) && isRealInstant(virtualStart)) {
    clock = { kind: 'virtual', start: new Date(virtualStart).toISOString() };
  } else if (clockRaw !== 'system') {
    problems.push(
      `CLOCK must be system or virtual:<ISO-8601 time with an offset>, e.g. virtual:2026-03-01T00:00:00+03:00 (got '${clockRaw}')`,
    );
  }

  // --- effective-time window (issue 17, defect 5) ---
  const wholeNumber = (name: string, fallback: number, max: number) => {
    const raw = value(name, String(fallback));
    const parsed = /^\d{1,7}$/.test(raw) ? Number.parseInt(raw, 10) : NaN;
    if (parsed >= 0 && parsed <= max) return parsed;
    problems.push(`${name} must be a whole number from 0 to ${max} (got '${raw}')`);
    return fallback;
  };
  const effectiveTimeWindow = {
    maxPastDays: wholeNumber('EFFECTIVE_TIME_MAX_PAST_DAYS', 92, 3660),
    maxFutureMinutes: wholeNumber('EFFECTIVE_TIME_MAX_FUTURE_MINUTES', 5, 1440),
  };
  // --- end effective-time window ---
  // ── Secrets at rest (issue 17): the personal-data master key ─────────────────────────────────────────
  // Production is NODE_ENV=production (what container images and process managers set); there a key from
  // outside the data folder is required, and start-up stops without one.
  const production = env.NODE_ENV?.trim() === 'production';
  const inline = env.PERSONAL_DATA_MASTER_KEY?.trim() ? env.PERSONAL_DATA_MASTER_KEY : undefined;
  const keyFile = env.PERSONAL_DATA_MASTER_KEY_FILE?.trim() || undefined;
  let personalDataMasterKey: AppConfig['personalDataMasterKey'] = {
    kind: 'development',
    path: `${dataDir}/personal-data-master.key`,
  };
  if (inline !== undefined && keyFile !== undefined) {
    problems.push('Set only one of PERSONAL_DATA_MASTER_KEY and PERSONAL_DATA_MASTER_KEY_FILE');
  } else if (inline !== undefined) {
    const key = parseMasterKey(inline);
    // Never echo the value: a near-miss of a secret is still a secret.
    if (key) personalDataMasterKey = { kind: 'given', from: 'PERSONAL_DATA_MASTER_KEY', key };
    else
      problems.push(
        `PERSONAL_DATA_MASTER_KEY must be ${MASTER_KEY_FORMAT} (got ${inline.trim().length} characters)`,
      );
  } else if (keyFile !== undefined) {
    const key = readMasterKeyFile(keyFile, 'PERSONAL_DATA_MASTER_KEY_FILE');
    if (typeof key === 'string') problems.push(key);
    else personalDataMasterKey = { kind: 'given', from: 'PERSONAL_DATA_MASTER_KEY_FILE', key };
  } else if (production) {
    problems.push(
      'PERSONAL_DATA_MASTER_KEY or PERSONAL_DATA_MASTER_KEY_FILE is required when NODE_ENV=production: it wraps the personal-data keys in keys.sqlite (' +
        `${MASTER_KEY_FORMAT}; the file readable by its owner only)`,
    );
  }
  // ── end of secrets at rest ───────────────────────────────────────────────────────────────────────────

  const config: AppConfig = {
    host: value('HOST', '127.0.0.1'),
    port,
    eventStore,
    dataDir,
    logLevel: oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    ...(env.POLICY_PROFILES_DIR ? { policyProfilesDir: env.POLICY_PROFILES_DIR } : {}),
    clock,
    effectiveTimeWindow,
    personalDataMasterKey,
    transport: loadTransportConfig(env, problems),
    delivery: loadDeliveryConfig(env, problems),
  };
  // Unset, the retention follows a wider effective-time window; set, it must exceed it.
  if (!env.IDEMPOTENCY_RETENTION_DAYS?.trim())
    config.transport.idempotencyRetentionDays = Math.max(
      config.transport.idempotencyRetentionDays,
      effectiveTimeWindow.maxPastDays + 1,
    );
  if (config.transport.idempotencyRetentionDays <= effectiveTimeWindow.maxPastDays)
    problems.push(
      `IDEMPOTENCY_RETENTION_DAYS must exceed EFFECTIVE_TIME_MAX_PAST_DAYS (${effectiveTimeWindow.maxPastDays}): ` +
        `a retry of a command that could still be accepted must find its first answer (got ${config.transport.idempotencyRetentionDays})`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

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

function loadTransportConfig(env: Env, problems: string[]): TransportConfig {
  const whole = (name: string, fallback: number, min: number, max: number, unit: string): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const parsed = /^\d{1,9}$/.test(raw) ? Number.parseInt(raw, 10) : NaN;
    if (parsed >= min && parsed <= max) return parsed;
    problems.push(`${name} must be a whole number of ${unit} from ${min} to ${max} (got '${raw}')`);
    return fallback;
  };
  const d = TRANSPORT_DEFAULTS;
  const requestTimeoutMs = whole(
    'HTTP_REQUEST_TIMEOUT_MS',
    d.requestTimeoutMs,
    100,
    3_600_000,
    'milliseconds',
  );
  const headersTimeoutMs = whole(
    'HTTP_HEADERS_TIMEOUT_MS',
    Math.min(d.headersTimeoutMs, requestTimeoutMs),
    100,
    3_600_000,
    'milliseconds',
  );
  if (headersTimeoutMs > requestTimeoutMs)
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (got ${headersTimeoutMs} > ${requestTimeoutMs})`,
    );
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    maxJsonDepth: whole('MAX_JSON_DEPTH', d.maxJsonDepth, 2, 512, 'levels'),
    idempotencyLeaseMs: whole('IDEMPOTENCY_LEASE_MS', d.idempotencyLeaseMs, 100, 3_600_000, 'milliseconds'),
    idempotencyRetentionDays: whole(
      'IDEMPOTENCY_RETENTION_DAYS',
      d.idempotencyRetentionDays,
      1,
      36_500,
      'days',
    ),
    readyStorageFailureSeconds: whole(
      'READY_STORAGE_FAILURE_SECONDS',
      d.readyStorageFailureSeconds,
      0,
      86_400,
      'seconds',
    ),
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
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = /^\d{1,9}$/.test(raw) ? Number.parseInt(raw, 10) : NaN;
    if (parsed >= min && parsed <= max) return parsed;
    problems.push(`${name} must be an integer from ${min} to ${max} (got '${raw}')`);
    return fallback;
  };
  const production = env.NODE_ENV === 'production';
  const inline = value('ANCHOR_SIGNING_KEY');
  const file = value('ANCHOR_KEY_FILE');
  let signingKey: AnchorConfig['signingKey'] = {
    kind: 'file',
    path: file ?? `${dataDir}/anchor-signing-key.pem`,
    // In production a missing key is an error, never silently replaced: a new key would vouch for anything.
    create: !production,
  };
  if (inline !== undefined && file !== undefined) {
    problems.push('ANCHOR_SIGNING_KEY and ANCHOR_KEY_FILE are both set: set one of them');
  } else if (inline !== undefined) {
    const pem = anchorKeyPem(inline, 'PRIVATE');
    if (!isEd25519Key(pem, 'private')) {
      problems.push(
        'ANCHOR_SIGNING_KEY must be an Ed25519 private key: PKCS#8 PEM, or its DER in base64 (got something else)',
      );
    }
    signingKey = { kind: 'env', pem };
  }
  const publicRaw = value('ANCHOR_PUBLIC_KEY');
  const publicKey = publicRaw === undefined ? undefined : anchorKeyPem(publicRaw, 'PUBLIC');
  if (publicKey !== undefined && !isEd25519Key(publicKey, 'public')) {
    problems.push('ANCHOR_PUBLIC_KEY must be an Ed25519 public key: SPKI PEM, or its DER in base64');
  }
  const config: AnchorConfig = {
    db: value('ANCHOR_DB') ?? `${dataDir}/anchor.sqlite`,
    signingKey,
    ...(publicKey !== undefined ? { publicKey } : {}),
    everyEvents: integer('ANCHOR_EVERY_EVENTS', 100, 1, 1_000_000),
    intervalMs: integer('ANCHOR_INTERVAL_MS', 10_000, 100, 86_400_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** A PEM as given, or base64 DER wrapped as PEM (an env var is easier to set on one line). */
function anchorKeyPem(raw: string, kind: 'PRIVATE' | 'PUBLIC'): string {
  if (raw.includes('-----BEGIN')) return raw.replaceAll('\\n', '\n');
  const body = raw.replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${kind} KEY-----\n${body.join('\n')}\n-----END ${kind} KEY-----\n`;
}

function isEd25519Key(pem: string, kind: 'private' | 'public'): boolean {
  try {
    const key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
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

const MAILBOX = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/;

export function loadDeliveryConfig(env: Env = process.env, problems: string[] = []): DeliveryConfig {
  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const parsed = /^\d{1,10}$/.test(raw) ? Number.parseInt(raw, 10) : NaN;
    if (parsed >= min && parsed <= max) return parsed;
    problems.push(`${name} must be a whole number from ${min} to ${max} (got '${raw}')`);
    return fallback;
  };
  const d = DELIVERY_DEFAULTS;
  const workerRaw = env.DELIVERY_WORKER?.trim() || 'run';
  if (workerRaw !== 'run' && workerRaw !== 'off')
    problems.push(`DELIVERY_WORKER must be one of run, off (got '${workerRaw}')`);
  const baseMs = whole('DELIVERY_RETRY_BASE_MS', d.retry.baseMs, 10, 86_400_000);
  const maxMs = whole('DELIVERY_RETRY_MAX_MS', Math.max(d.retry.maxMs, baseMs), 10, 604_800_000);
  if (maxMs < baseMs)
    problems.push(
      `DELIVERY_RETRY_MAX_MS must not be below DELIVERY_RETRY_BASE_MS (got ${maxMs} < ${baseMs})`,
    );
  const config: DeliveryConfig = {
    worker: workerRaw === 'off' ? 'off' : 'run',
    retry: { baseMs, maxMs, maxAttempts: whole('DELIVERY_MAX_ATTEMPTS', d.retry.maxAttempts, 1, 100) },
    webhookTimeoutMs: whole('DELIVERY_WEBHOOK_TIMEOUT_MS', d.webhookTimeoutMs, 100, 300_000),
    pollMs: whole('DELIVERY_POLL_MS', d.pollMs, 10, 60_000),
  };
  const sinceRaw = env.DELIVERY_SINCE?.trim();
  if (sinceRaw) {
    if (INSTANT_WITH_OFFSET.test(sinceRaw) && isRealInstant(sinceRaw))
      config.since = new Date(sinceRaw).toISOString();
    else
      problems.push(
        `DELIVERY_SINCE must be an ISO-8601 time with an offset, e.g. 2026-12-01T00:00:00Z (got '${sinceRaw}')`,
      );
  }
  const smtpRaw = env.SMTP_URL?.trim();
  if (smtpRaw) {
    let url: URL | undefined;
    try {
      url = new URL(smtpRaw);
    } catch {
      url = undefined;
    }
    // Never echo the value: it may hold the SMTP password.
    if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname)
      problems.push(
        'SMTP_URL must be smtp://[user:password@]host:port or smtps://[user:password@]host:port (the value given is not; it is not printed, it may hold a password)',
      );
    else
      config.smtp = {
        url: smtpRaw,
        display: `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`,
      };
  }
  const from = env.DELIVERY_FROM?.trim();
  if (from) {
    const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
    if (!MAILBOX.test(address) || /[\r\n]/.test(from))
      problems.push(
        `DELIVERY_FROM must be an e-mail address, e.g. billing@example.com or "Billing <billing@example.com>" (got '${from}')`,
      );
    else config.from = from;
  } else if (config.smtp) {
    problems.push('DELIVERY_FROM is required with SMTP_URL: the sender of the e-mailed documents');
  }
  return config;
}
// ─── end of delivery ─────────────────────────────────────────────────────────────────────────────────────
