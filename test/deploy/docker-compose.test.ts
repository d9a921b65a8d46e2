import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from './support/compiled-tree.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: unknown;
  environment?: Record<string, string | number>;
  ports?: Array<string | { host_ip?: string }>;
  volumes?: Array<string | { type?: string; source?: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
}

/**
 * docker-compose.yml against the deployment rules, without a Docker engine (docs/operations.md says what only
 * `docker compose up` on a Docker host proves).
 */
const compose = parse(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const app = compose.services.app!;

describe('docker-compose.yml', () => {
  it('runs the app image built from the Dockerfile against KurrentDB and PostgreSQL', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'kurrentdb', 'postgres']);
    expect(app.build).toBe('.');
    expect(app.image).toMatch(/^billing-engine:/);
    // The image's own command (node dist/src/main.js): nothing is installed or built when it starts.
    expect(app.command).toBeUndefined();
    expect(compose.services.kurrentdb!.image).toMatch(/kurrentdb:\d+/);
    expect(compose.services.postgres!.image).toMatch(/^postgres:\d+/);
  });

  it('points the app at both: the event store, the read models and the workers', () => {
    const env = app.environment!;
    expect(env.EVENT_STORE).toBe('esdb');
    expect(env.ESDB_CONNECTION_STRING).toBe('esdb://kurrentdb:2113?tls=false');
    const postgres = compose.services.postgres!.environment!;
    expect(env.READ_MODEL_DB).toBe(
      `postgres://${postgres.POSTGRES_USER}:${postgres.POSTGRES_PASSWORD}@postgres:5432/${postgres.POSTGRES_DB}`,
    );
    // WORKERS_DB defaults to a PostgreSQL READ_MODEL_DB; set, it must be PostgreSQL too.
    if (env.WORKERS_DB !== undefined) expect(env.WORKERS_DB).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
  });

  it('sets only variables the service knows (the README configuration table)', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const known = [...readme.matchAll(/^\| `([A-Z_]+)`(?: \/ `([A-Z_]+)`)?/gm)].flatMap((m) => m.slice(1, 3));
    for (const name of Object.keys(app.environment!)) expect(known).toContain(name);
  });

  it('publishes every port on 127.0.0.1 only', () => {
    for (const [name, service] of services) {
      for (const port of service.ports ?? []) {
        if (typeof port === 'string')
          expect([name, port]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/)]);
        else expect([name, port.host_ip]).toEqual([name, '127.0.0.1']);
      }
    }
    expect(compose.services.postgres!.ports).toEqual(['127.0.0.1:5432:5432']);
    expect(compose.services.kurrentdb!.ports).toEqual(['127.0.0.1:2113:2113']);
  });

  it('keeps data in named volumes, never in a folder of the host', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
        if (typeof volume !== 'string') expect([name, volume.type]).toEqual([name, 'volume']);
        expect([name, source]).toEqual([name, expect.stringMatching(/^[a-z][a-z0-9_-]*$/)]);
        expect(declared).toContain(source);
      }
    }
    // Each stateful service keeps its data in one.
    expect(compose.services.kurrentdb!.volumes).toEqual(['kurrentdb-data:/var/lib/kurrentdb']);
    expect(compose.services.postgres!.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(app.volumes).toEqual(['app-data:/data']);
  });

  it('checks the health of every service, the app on /health', () => {
    for (const [name, service] of services) {
      expect([name, service.healthcheck?.disable]).toEqual([name, undefined]);
      expect([name, Array.isArray(service.healthcheck?.test)]).toEqual([name, true]);
    }
    expect(JSON.stringify(app.healthcheck!.test)).toContain('http://127.0.0.1:3000/health');
    expect(app.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('starts the app once its stores are healthy', () => {
    expect(app.depends_on).toEqual({
      kurrentdb: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
    });
  });
});
