import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, DELIVERY_DEFAULTS, TRANSPORT_DEFAULTS, loadConfig } from './config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as ConfigError).problems;
  }
  return [];
};

describe('loadConfig', () => {
  it('defaults to the embedded store under ./data on port 3000', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 3000,
      eventStore: { kind: 'sqlite', path: './data/events.sqlite' },
      dataDir: './data',
      logLevel: 'info',
      clock: { kind: 'system' },
      effectiveTimeWindow: { maxPastDays: 92, maxFutureMinutes: 5 },
      personalDataMasterKey: { kind: 'development', path: './data/personal-data-master.key' },
      transport: TRANSPORT_DEFAULTS,
      delivery: DELIVERY_DEFAULTS,
      rateLimit: { perMinute: 6000 },
      ledgerCacheEvents: 75_000,
    });
  });

  it('bounds the ledger cache by LEDGER_CACHE_EVENTS, a whole number of events from 1000', () => {
    expect(loadConfig({ LEDGER_CACHE_EVENTS: '250000' }).ledgerCacheEvents).toBe(250_000);
    expect(() => loadConfig({ LEDGER_CACHE_EVENTS: '10' })).toThrow(
      "LEDGER_CACHE_EVENTS must be a whole number of events from 1000 to 100000000 (got '10')",
    );
  });

  it('keeps idempotency records 400 days by default, longer than any effective-time window, never within it', () => {
    expect(loadConfig({}).transport.idempotencyRetentionDays).toBe(400);
    expect(loadConfig({ IDEMPOTENCY_RETENTION_DAYS: '93' }).transport.idempotencyRetentionDays).toBe(93);
    // Unset, it follows a wider window.
    expect(loadConfig({ EFFECTIVE_TIME_MAX_PAST_DAYS: '500' }).transport.idempotencyRetentionDays).toBe(501);
    expect(() => loadConfig({ IDEMPOTENCY_RETENTION_DAYS: '92' })).toThrow(
      'IDEMPOTENCY_RETENTION_DAYS must exceed EFFECTIVE_TIME_MAX_PAST_DAYS (92)',
    );
    expect(() => loadConfig({ IDEMPOTENCY_RETENTION_DAYS: 'forever' })).toThrow(
      "IDEMPOTENCY_RETENTION_DAYS must be a whole number of days from 1 to 36500 (got 'forever')",
    );
  });

  it('bounds input times to a window around the clock, and refuses a window that is not a whole number in range', () => {
    expect(
      loadConfig({ EFFECTIVE_TIME_MAX_PAST_DAYS: '400', EFFECTIVE_TIME_MAX_FUTURE_MINUTES: '0' })
        .effectiveTimeWindow,
    ).toEqual({ maxPastDays: 400, maxFutureMinutes: 0 });
    for (const bad of ['-1', '1.5', 'week', '3661'])
      expect(() => loadConfig({ EFFECTIVE_TIME_MAX_PAST_DAYS: bad })).toThrow(
        `EFFECTIVE_TIME_MAX_PAST_DAYS must be a whole number from 0 to 3660 (got '${bad}')`,
      );
    expect(() => loadConfig({ EFFECTIVE_TIME_MAX_FUTURE_MINUTES: '1441' })).toThrow(
      "EFFECTIVE_TIME_MAX_FUTURE_MINUTES must be a whole number from 0 to 1440 (got '1441')",
    );
  });

  it('takes a virtual clock with its start time, and refuses a start without an offset or a real date', () => {
    expect(loadConfig({ CLOCK: 'virtual:2026-03-01T00:00:00+03:00' }).clock).toEqual({
      kind: 'virtual',
      start: '2026-02-28T21:00:00.000Z',
    });
    expect(loadConfig({ CLOCK: 'system' }).clock).toEqual({ kind: 'system' });
    for (const bad of ['virtual:2026-03-01T00:00:00', 'virtual:2026-02-30T00:00:00Z', 'virtual', 'fast'])
      expect(() => loadConfig({ CLOCK: bad })).toThrow(
        `CLOCK must be system or virtual:<ISO-8601 time with an offset>, e.g. virtual:2026-03-01T00:00:00+03:00 (got '${bad}')`,
      );
  });

  it('selects EventStoreDB with a connection string', () => {
    const config = loadConfig({
      EVENT_STORE: 'esdb',
      ESDB_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
    });
    expect(config.eventStore).toEqual({ kind: 'esdb', connectionString: 'esdb://localhost:2113?tls=false' });
  });

  it('reports every bad variable by name with what is allowed', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', EVENT_STORE: 'esdb', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      "PORT must be a whole number from 0 to 65535 (got 'eighty')",
      "ESDB_CONNECTION_STRING must be an esdb:// or kurrentdb:// connection string when EVENT_STORE=esdb (got '')",
      "LOG_LEVEL must be one of debug, info, warn, error (got 'loud')",
    ]);
    expect(() => loadConfig({ EVENT_STORE: 'mongo' })).toThrow(
      "EVENT_STORE must be one of sqlite, esdb (got 'mongo')",
    );
    expect(() => loadConfig({ PORT: '70000' })).toThrow('PORT must be a whole number from 0 to 65535');
  });

  describe('the personal-data master key (secrets at rest)', () => {
    const HEX = 'ab'.repeat(32);
    const BASE64 = Buffer.alloc(32, 7).toString('base64');
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'master-key-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const keyFile = (name: string, content: string, mode: number) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      chmodSync(path, mode);
      return path;
    };

    it('refuses to start in production (NODE_ENV=production) without one, naming both variables', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
        expect.stringMatching(
          /^PERSONAL_DATA_MASTER_KEY or PERSONAL_DATA_MASTER_KEY_FILE is required when NODE_ENV=production/,
        ),
      ]);
      expect(loadConfig({ NODE_ENV: 'development' }).personalDataMasterKey.kind).toBe('development');
    });

    it('takes 32 bytes as hex or base64, and never echoes a bad value', () => {
      for (const value of [HEX, BASE64, ` ${BASE64}\n`]) {
        const setting = loadConfig({
          NODE_ENV: 'production',
          PERSONAL_DATA_MASTER_KEY: value,
        }).personalDataMasterKey;
        expect(setting).toMatchObject({ kind: 'given', from: 'PERSONAL_DATA_MASTER_KEY' });
      }
      const problems = problemsOf({ PERSONAL_DATA_MASTER_KEY: 'secret-but-short' });
      expect(problems).toEqual([
        'PERSONAL_DATA_MASTER_KEY must be 32 random bytes as 64 hex digits or as base64 (e.g. the output of `openssl rand -base64 32`) (got 16 characters)',
      ]);
      expect(problems.join()).not.toContain('secret-but-short');
      expect(problemsOf({ PERSONAL_DATA_MASTER_KEY: HEX, PERSONAL_DATA_MASTER_KEY_FILE: '/x' })).toEqual([
        'Set only one of PERSONAL_DATA_MASTER_KEY and PERSONAL_DATA_MASTER_KEY_FILE',
      ]);
    });

    it('takes a key file readable by its owner only, and names the rule a bad one breaks', () => {
      const good = keyFile('good.key', `${BASE64}\n`, 0o600);
      expect(
        loadConfig({ NODE_ENV: 'production', PERSONAL_DATA_MASTER_KEY_FILE: good }).personalDataMasterKey,
      ).toMatchObject({ kind: 'given', from: 'PERSONAL_DATA_MASTER_KEY_FILE' });
      const open = keyFile('open.key', BASE64, 0o644);
      expect(problemsOf({ PERSONAL_DATA_MASTER_KEY_FILE: open })).toEqual([
        `PERSONAL_DATA_MASTER_KEY_FILE (${open}) must be readable by its owner only: run chmod 600 ${open}`,
      ]);
      const junk = keyFile('junk.key', 'not a key', 0o600);
      expect(problemsOf({ PERSONAL_DATA_MASTER_KEY_FILE: junk })).toEqual([
        expect.stringContaining(`PERSONAL_DATA_MASTER_KEY_FILE (${junk}) must hold 32 random bytes`),
      ]);
      expect(problemsOf({ PERSONAL_DATA_MASTER_KEY_FILE: join(dir, 'missing.key') })).toEqual([
        `PERSONAL_DATA_MASTER_KEY_FILE names a file that does not exist (${join(dir, 'missing.key')})`,
      ]);
    });

    it('keeps the key out of anything that prints the configuration', () => {
      const config = loadConfig({ PERSONAL_DATA_MASTER_KEY: HEX });
      for (const printed of [
        JSON.stringify(config),
        inspect(config, { depth: 9 }),
        String(config.personalDataMasterKey),
      ])
        expect(printed).not.toMatch(/abab|q6ur/i);
      expect(JSON.stringify(config)).toContain('[redacted]');
    });
  });

  it('takes the transport limits, naming a bad one with its range', () => {
    expect(TRANSPORT_DEFAULTS).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxJsonDepth: 32,
      idempotencyLeaseMs: 10_000,
      idempotencyRetentionDays: 400,
      readyStorageFailureSeconds: 30,
    });
    expect(
      loadConfig({
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        MAX_JSON_DEPTH: '8',
        IDEMPOTENCY_LEASE_MS: '500',
        IDEMPOTENCY_RETENTION_DAYS: '120',
        READY_STORAGE_FAILURE_SECONDS: '0',
      }).transport,
    ).toEqual({
      headersTimeoutMs: 1000,
      requestTimeoutMs: 1000,
      maxJsonDepth: 8,
      idempotencyLeaseMs: 500,
      idempotencyRetentionDays: 120,
      readyStorageFailureSeconds: 0,
    });
    let error: unknown;
    try {
      loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '30s', MAX_JSON_DEPTH: '0', IDEMPOTENCY_LEASE_MS: '-1' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      "HTTP_REQUEST_TIMEOUT_MS must be a whole number of milliseconds from 100 to 3600000 (got '30s')",
      "MAX_JSON_DEPTH must be a whole number of levels from 2 to 512 (got '0')",
      "IDEMPOTENCY_LEASE_MS must be a whole number of milliseconds from 100 to 3600000 (got '-1')",
    ]);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '2000' })).toThrow(
      'HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (got 2000 > 1000)',
    );
  });
});

describe('loadConfig: delivery (issue 13, item 7)', () => {
  it('without SMTP_URL e-mail delivery is disabled; with it DELIVERY_FROM is required', () => {
    expect(loadConfig({}).delivery?.smtp).toBeUndefined();
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.com:25' })).toThrow(
      'DELIVERY_FROM is required with SMTP_URL',
    );
    const config = loadConfig({
      SMTP_URL: 'smtp://billing:s3cr3t-pw@mail.example.com:587',
      DELIVERY_FROM: 'Billing <billing@example.com>',
    });
    expect(config.delivery?.smtp?.display).toBe('smtp://mail.example.com:587');
    expect(config.delivery?.from).toBe('Billing <billing@example.com>');
  });

  it('a bad SMTP_URL is refused without printing it (it may hold the password)', () => {
    let message = '';
    try {
      loadConfig({ SMTP_URL: 'http://user:s3cr3t-pw@mail.example.com', DELIVERY_FROM: 'b@example.com' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SMTP_URL must be smtp://');
    expect(message).not.toContain('s3cr3t-pw');
  });

  it('refuses a bad sender, worker switch or back-off, naming the variable', () => {
    expect(() => loadConfig({ DELIVERY_FROM: 'billing' })).toThrow('DELIVERY_FROM must be an e-mail address');
    expect(() => loadConfig({ DELIVERY_WORKER: 'maybe' })).toThrow('DELIVERY_WORKER must be one of run, off');
    expect(() => loadConfig({ DELIVERY_RETRY_BASE_MS: '1.5' })).toThrow(
      'DELIVERY_RETRY_BASE_MS must be a whole number',
    );
    expect(() => loadConfig({ DELIVERY_RETRY_BASE_MS: '5000', DELIVERY_RETRY_MAX_MS: '100' })).toThrow(
      'DELIVERY_RETRY_MAX_MS must not be below DELIVERY_RETRY_BASE_MS',
    );
    expect(() => loadConfig({ DELIVERY_MAX_ATTEMPTS: '0' })).toThrow(
      'DELIVERY_MAX_ATTEMPTS must be a whole number',
    );
  });

  it('DELIVERY_SINCE: an instant with an offset, normalised; anything else refused naming the variable', () => {
    expect(loadConfig({ DELIVERY_SINCE: '2026-12-01T03:00:00+03:00' }).delivery?.since).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect(loadConfig({}).delivery?.since).toBeUndefined();
    expect(() => loadConfig({ DELIVERY_SINCE: '2026-12-01' })).toThrow(
      "DELIVERY_SINCE must be an ISO-8601 time with an offset, e.g. 2026-12-01T00:00:00Z (got '2026-12-01')",
    );
  });
});
