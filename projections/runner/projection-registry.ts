import { randomUUID } from 'node:crypto';
import type { ReadModelDb } from './read-model-db.js';
import { columnsOf, createConcurrently, isTable } from './sql-dialect.js';

/**
 * Where a build stands. A projection has one live build (what readers use); a replay adds a building
 * one beside it; after the switch the old one is retired, and dropped once in-flight reads are done.
 */
export type BuildRole = 'live' | 'building' | 'retired' | 'dropped' | 'abandoned';
export type ProjectionState = 'stopped' | 'catching-up' | 'live' | 'failed';

export interface ProjectionError {
  message: string;
  /** The event the projection could not apply; absent when the storage itself failed. */
  eventId?: string;
  eventType?: string;
  position?: string;
  streamId?: string;
}

export interface BuildRow {
  name: string;
  build: number;
  codeVersion: number;
  role: BuildRole;
  /** Checkpoint: position of the last applied event. */
  position: string | null;
  eventsApplied: number;
  state: ProjectionState;
  lastError: ProjectionError | null;
  holder: string | null;
  createdAt: string;
  switchedAt: string | null;
  retiredAt: string | null;
  updatedAt: string;
}

export type RequestKind = 'replay' | 'resume';
export type RequestState = 'pending' | 'running' | 'done' | 'failed';

export interface RequestRow {
  id: string;
  name: string;
  kind: RequestKind;
  requestedAt: string;
  requestedBy: string;
  state: RequestState;
  detail: Record<string, unknown>;
  updatedAt: string;
}

const SCHEMA: Array<{ table: string; ddl: string }> = [
  {
    table: 'projection_builds',
    ddl: `CREATE TABLE IF NOT EXISTS projection_builds (
    name TEXT NOT NULL, build INTEGER NOT NULL, code_version INTEGER NOT NULL, role TEXT NOT NULL,
    position TEXT, events_applied BIGINT NOT NULL, state TEXT NOT NULL, last_error TEXT, holder TEXT,
    created_at TEXT NOT NULL, switched_at TEXT, retired_at TEXT, updated_at TEXT NOT NULL,
    PRIMARY KEY (name, build))`,
  },
  {
    table: 'projection_tables',
    ddl: `CREATE TABLE IF NOT EXISTS projection_tables (
    name TEXT NOT NULL, build INTEGER NOT NULL, table_name TEXT NOT NULL, PRIMARY KEY (name, build, table_name))`,
  },
  {
    table: 'projection_leases',
    ddl: `CREATE TABLE IF NOT EXISTS projection_leases (
    name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL, acquired_at TEXT NOT NULL,
    token TEXT NOT NULL DEFAULT '')`,
  },
  {
    table: 'projection_requests',
    ddl: `CREATE TABLE IF NOT EXISTS projection_requests (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, requested_at TEXT NOT NULL,
    requested_by TEXT NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  },
];

interface BuildRecord {
  name: string;
  build: number | string;
  code_version: number | string;
  role: BuildRole;
  position: string | null;
  events_applied: number | string;
  state: ProjectionState;
  last_error: string | null;
  holder: string | null;
  created_at: string;
  switched_at: string | null;
  retired_at: string | null;
  updated_at: string;
}

const toBuild = (r: BuildRecord): BuildRow => ({
  name: r.name,
  build: Number(r.build),
  codeVersion: Number(r.code_version),
  role: r.role,
  position: r.position,
  eventsApplied: Number(r.events_applied),
  state: r.state,
  lastError: r.last_error ? (JSON.parse(r.last_error) as ProjectionError) : null,
  holder: r.holder,
  createdAt: r.created_at,
  switchedAt: r.switched_at,
  retiredAt: r.retired_at,
  updatedAt: r.updated_at,
});

const now = () => new Date().toISOString();

/** The projections' own bookkeeping, stored beside the read models: builds, checkpoints, leases, requests. */
/** ProjectionRegistry.tableName's memo: per build, then table; a few dozen names in all. */
const tableNames = new Map<number, Map<string, string>>();

export class ProjectionRegistry {
  private ready?: Promise<void>;

  constructor(readonly db: ReadModelDb) {}

  ensureSchema(): Promise<void> {
    this.ready ??= (async () => {
      for (const { table, ddl } of SCHEMA) {
        // A SQLite connection whose schema predates the table compiles the DDL as a create and waits for the
        // write lock — held by the projector child's catch-up batch on the shared file — before it finds the
        // table there: a slow batch made the service's start fail past the busy timeout. Looking is a read.
        if (this.db.dialect === 'sqlite' && (await isTable(this.db, table))) continue;
        await createConcurrently(this.db, ddl);
      }
      // Leases from before the holding process's token (projection-lease.ts): the column, '' in old rows.
      if (!(await columnsOf(this.db, 'projection_leases')).includes('token')) {
        const column = `token TEXT NOT NULL DEFAULT ''`;
        if (this.db.dialect === 'postgres') {
          await createConcurrently(
            this.db,
            `ALTER TABLE projection_leases ADD COLUMN IF NOT EXISTS ${column}`,
          );
        } else {
          // Another process may add it first: then it is there.
          await this.db.run(`ALTER TABLE projection_leases ADD COLUMN ${column}`).catch(async (error) => {
            if (!(await columnsOf(this.db, 'projection_leases')).includes('token')) throw error;
          });
        }
      }
    })();
    return this.ready;
  }

  /** `name_vN`: the build number keeps blue and green tables apart in one database. */
  static tableName(table: string, build: number): string {
    // Memoised: readers and every applied event ask for the same few names (a fresh template string each
    // time showed up in the replay profile).
    let names = tableNames.get(build);
    if (!names) tableNames.set(build, (names = new Map()));
    let name = names.get(table);
    if (name === undefined) names.set(table, (name = `${table}_v${build}`));
    return name;
  }

  async builds(name?: string, db: ReadModelDb = this.db): Promise<BuildRow[]> {
    await this.ensureSchema();
    const rows = name
      ? await db.all<BuildRecord>(`SELECT * FROM projection_builds WHERE name = $1 ORDER BY build`, [name])
      : await db.all<BuildRecord>(`SELECT * FROM projection_builds ORDER BY name, build`);
    return rows.map(toBuild);
  }

  async build(name: string, build: number, db: ReadModelDb = this.db): Promise<BuildRow | undefined> {
    const row = await db.get<BuildRecord>(`SELECT * FROM projection_builds WHERE name = $1 AND build = $2`, [
      name,
      build,
    ]);
    return row && toBuild(row);
  }

  async liveBuild(name: string): Promise<BuildRow | undefined> {
    await this.ensureSchema();
    const row = await this.db.get<BuildRecord>(
      `SELECT * FROM projection_builds WHERE name = $1 AND role = 'live'`,
      [name],
    );
    return row && toBuild(row);
  }

  /** The first build of a projection is live from the start: there is nothing else to serve. */
  async ensureBuild(name: string, build: number, codeVersion: number): Promise<BuildRow> {
    await this.ensureSchema();
    const live = await this.liveBuild(name);
    await this.db.run(
      `INSERT INTO projection_builds (name, build, code_version, role, position, events_applied, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, NULL, 0, 'stopped', $5, $5) ON CONFLICT (name, build) DO NOTHING`,
      [name, build, codeVersion, live ? 'building' : 'live', now()],
    );
    return (await this.build(name, build))!;
  }

  /** A new build beside the live one; its number is above every earlier build's. */
  async createBuild(name: string, codeVersion: number): Promise<BuildRow> {
    await this.ensureSchema();
    const row = await this.db.get<{ top: number | string | null }>(
      `SELECT MAX(build) AS top FROM projection_builds WHERE name = $1`,
      [name],
    );
    const build = Math.max(Number(row?.top ?? 0) + 1, codeVersion);
    await this.db.run(
      `INSERT INTO projection_builds (name, build, code_version, role, position, events_applied, state, created_at, updated_at)
       VALUES ($1, $2, $3, 'building', NULL, 0, 'stopped', $4, $4)`,
      [name, build, codeVersion, now()],
    );
    return (await this.build(name, build))!;
  }

  /** Moves the checkpoint; called inside the transaction that applied the events. */
  async checkpoint(db: ReadModelDb, name: string, build: number, position: bigint, applied: number) {
    // With the COMMIT where the storage can (a round trip fewer per batch on PostgreSQL).
    const write = db.runAtCommit?.bind(db) ?? db.run.bind(db);
    await write(
      `UPDATE projection_builds SET position = $3, events_applied = events_applied + $4, updated_at = $5
       WHERE name = $1 AND build = $2`,
      [name, build, position.toString(), applied, now()],
    );
  }

  async setState(
    name: string,
    build: number,
    state: ProjectionState,
    lastError: ProjectionError | null,
    holder: string | null,
  ): Promise<void> {
    await this.db.run(
      `UPDATE projection_builds SET state = $3, last_error = $4, holder = $5, updated_at = $6 WHERE name = $1 AND build = $2`,
      [name, build, state, lastError ? JSON.stringify(lastError) : null, holder, now()],
    );
  }

  async setRole(name: string, build: number, role: BuildRole, db: ReadModelDb = this.db): Promise<void> {
    const at = now();
    await db.run(
      `UPDATE projection_builds SET role = $3, updated_at = $4,
         switched_at = CASE WHEN $3 = 'live' THEN $4 ELSE switched_at END,
         retired_at = CASE WHEN $3 = 'retired' THEN $4 ELSE retired_at END
       WHERE name = $1 AND build = $2`,
      [name, build, role, at],
    );
  }

  async recordTables(name: string, build: number, tables: Iterable<string>): Promise<void> {
    for (const table of tables) {
      await this.db.run(
        `INSERT INTO projection_tables (name, build, table_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [name, build, table],
      );
    }
  }

  async tablesOf(name: string, build: number): Promise<string[]> {
    const rows = await this.db.all<{ table_name: string }>(
      `SELECT table_name FROM projection_tables WHERE name = $1 AND build = $2 ORDER BY table_name`,
      [name, build],
    );
    return rows.map((r) => r.table_name);
  }

  /** `options` travel with the request to whichever instance carries it out (e.g. onDifference). */
  async addRequest(
    name: string,
    kind: RequestKind,
    requestedBy: string,
    options: Record<string, unknown> = {},
  ): Promise<RequestRow> {
    await this.ensureSchema();
    const id = randomUUID();
    const at = now();
    await this.db.run(
      `INSERT INTO projection_requests (id, name, kind, requested_at, requested_by, state, detail, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $4)`,
      [id, name, kind, at, requestedBy, JSON.stringify(options)],
    );
    return (await this.request(id))!;
  }

  async request(id: string): Promise<RequestRow | undefined> {
    await this.ensureSchema();
    const row = await this.db.get<RequestRecord>(`SELECT * FROM projection_requests WHERE id = $1`, [id]);
    return row && toRequest(row);
  }

  async requests(name: string, states: RequestState[]): Promise<RequestRow[]> {
    await this.ensureSchema();
    const rows = await this.db.all<RequestRecord>(
      `SELECT * FROM projection_requests WHERE name = $1 ORDER BY requested_at, id`,
      [name],
    );
    return rows.map(toRequest).filter((r) => states.includes(r.state));
  }

  async updateRequest(id: string, state: RequestState, detail: Record<string, unknown>): Promise<void> {
    await this.db.run(
      `UPDATE projection_requests SET state = $2, detail = $3, updated_at = $4 WHERE id = $1`,
      [id, state, JSON.stringify(detail), now()],
    );
  }
}

interface RequestRecord {
  id: string;
  name: string;
  kind: RequestKind;
  requested_at: string;
  requested_by: string;
  state: RequestState;
  detail: string;
  updated_at: string;
}

const toRequest = (r: RequestRecord): RequestRow => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  requestedAt: r.requested_at,
  requestedBy: r.requested_by,
  state: r.state,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
  updatedAt: r.updated_at,
});
