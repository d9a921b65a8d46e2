import { ConfigError, TRANSPORT_DEFAULTS, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded store under ./data on port 3000', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 3000,
      eventStore: { kind: 'sqlite', path: './data/events.sqlite' },
      dataDir: './data',
      logLevel: 'info',
      clock: { kind: 'system' },
      transport: TRANSPORT_DEFAULTS,
    });
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
      "PORT must be an integer from 0 to 65535 (got 'eighty')",
      "ESDB_CONNECTION_STRING must be an esdb:// or kurrentdb:// connection string when EVENT_STORE=esdb (got '')",
      "LOG_LEVEL must be one of debug, info, warn, error (got 'loud')",
    ]);
    expect(() => loadConfig({ EVENT_STORE: 'mongo' })).toThrow(
      "EVENT_STORE must be one of sqlite, esdb (got 'mongo')",
    );
    expect(() => loadConfig({ PORT: '70000' })).toThrow('PORT must be an integer from 0 to 65535');
  });

  it('takes the transport limits, naming a bad one with its range', () => {
    expect(TRANSPORT_DEFAULTS).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxJsonDepth: 32,
      idempotencyLeaseMs: 10_000,
      readyStorageFailureSeconds: 30,
    });
    expect(
      loadConfig({
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        MAX_JSON_DEPTH: '8',
        IDEMPOTENCY_LEASE_MS: '500',
        READY_STORAGE_FAILURE_SECONDS: '0',
      }).transport,
    ).toEqual({
      headersTimeoutMs: 1000,
      requestTimeoutMs: 1000,
      maxJsonDepth: 8,
      idempotencyLeaseMs: 500,
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
