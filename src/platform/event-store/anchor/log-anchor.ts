import { createHash, sign, verify } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { EventStore, RecordedEvent, Subscription } from '../event-store.port.js';
import type { AnchorKeys } from './anchor-keys.js';

/**
 * Tamper evidence beyond the per-stream hash chains: signed checkpoints of the whole log.
 *
 * Why a chain over the global log rather than a digest of stream heads: a stream head says nothing about
 * `stored_at` or positions (the events' hashes do not cover them), nothing about streams that carry no chain,
 * and, once an attacker recomputes a stream's chain, only that the stream changed, not where. So every event
 * is anchored: its digest covers everything stored (position, stream, revision, id, type, data, metadata,
 * stored_at), each digest is chained to the one before, and a checkpoint — the last anchored position and the
 * chain there — is signed with Ed25519. The anchored events and checkpoints live in their own SQLite file;
 * rewriting them consistently needs the private key, which is outside both files. Comparing the store with the
 * anchored events then names the exact stream, revision and position of each manipulation.
 *
 * What it cannot see: events appended after the last checkpoint may be removed or edited without a trace
 * (docs/security.md); checkpoints are signed every `everyEvents` events, every `intervalMs`, on demand and on
 * a graceful stop, which keeps that window short.
 */

export type TamperProblem =
  /** Every anchored event of the stream is gone. */
  | 'stream-deleted'
  /** The stream's last anchored events are gone (the stream ends earlier than it did). */
  | 'stream-truncated'
  /** An anchored event in the middle of its stream is gone. */
  | 'event-removed'
  /** The same event at the same place holds other content (also when its hash chain was recomputed). */
  | 'event-edited'
  /** The event's stored_at is not the one anchored. */
  | 'stored-at-changed'
  /** The event now sits at another position, or its stream or revision changed. */
  | 'event-moved'
  /** An event the checkpoint does not know sits inside the range it covers. */
  | 'event-inserted'
  /** The latest checkpoint's signature does not verify with the anchor's public key. */
  | 'checkpoint-signature-invalid'
  /** The anchored events no longer chain to the signed checkpoint (the anchor file was edited). */
  | 'anchor-altered';

export interface TamperFinding {
  problem: TamperProblem;
  streamId?: string;
  revision?: number;
  /** The global position where it was detected (the anchored one, for events that are gone). */
  position?: string;
  eventId?: string;
  detail: string;
}

export interface CheckpointView {
  number: number;
  /** How many events of the log it covers. */
  events: number;
  /** The global position of the last event it covers. */
  position: string;
  signedAt: string;
  keyId: string;
}

export interface AnchorVerification {
  /** The signed checkpoint the store was compared with; null when none was signed yet. */
  checkpoint: CheckpointView | null;
  intact: boolean;
  findings: TamperFinding[];
}

interface AnchoredRow {
  seq: number;
  position: string;
  stream_id: string;
  revision: number;
  event_id: string;
  stored_at: string;
  digest: string;
  chain: string;
}

interface CheckpointRow {
  number: number;
  events: number;
  position: string;
  chain: string;
  signed_at: string;
  key_id: string;
  signature: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS anchored_events (
  seq       INTEGER PRIMARY KEY,
  position  TEXT    NOT NULL,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  event_id  TEXT    NOT NULL,
  stored_at TEXT    NOT NULL,
  digest    TEXT    NOT NULL,
  chain     TEXT    NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS anchored_events_stream ON anchored_events (stream_id, revision);
CREATE TABLE IF NOT EXISTS signed_checkpoints (
  number    INTEGER PRIMARY KEY,
  events    INTEGER NOT NULL,
  position  TEXT    NOT NULL,
  chain     TEXT    NOT NULL,
  signed_at TEXT    NOT NULL,
  key_id    TEXT    NOT NULL,
  signature TEXT    NOT NULL
) STRICT;
`;

const GENESIS = '0'.repeat(64);
const PAGE = 1000;
/** Findings beyond this many are counted, not listed: one is enough to refuse to serve. */
const MAX_FINDINGS = 200;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Everything the store holds about an event, as one digest. */
export function storedEventDigest(event: RecordedEvent, storedAt = event.storedAt.toISOString()): string {
  return sha256(
    JSON.stringify([
      event.position.toString(),
      event.streamId,
      event.revision,
      event.id,
      event.type,
      event.data,
      event.metadata,
      storedAt,
    ]),
  );
}

const chainStep = (previous: string, digest: string) => sha256(previous + digest);

/** The exact bytes a checkpoint's signature covers. */
function checkpointPayload(row: Omit<CheckpointRow, 'signature'>): Buffer {
  return Buffer.from(
    JSON.stringify([
      'billing-log-checkpoint/v1',
      row.number,
      row.events,
      row.position,
      row.chain,
      row.signed_at,
      row.key_id,
    ]),
  );
}

const view = (row: CheckpointRow): CheckpointView => ({
  number: row.number,
  events: row.events,
  position: row.position,
  signedAt: row.signed_at,
  keyId: row.key_id,
});

export interface LogAnchorOptions {
  everyEvents: number;
  intervalMs: number;
  log?: (message: string) => void;
}

/** Anchors the log into its own file, signs checkpoints, and checks the store against the latest one. */
export class LogAnchor {
  private readonly db: DatabaseSync;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;
  private unanchored = 0;
  private closed = false;
  /** Set when the store no longer matches: nothing is signed over a tampered log. */
  private refusal: AnchorVerification | undefined;
  /** The check made at start-up (undefined until start() ran). */
  startUpCheck: AnchorVerification | undefined;

  static open(
    path: string,
    store: EventStore,
    keys: AnchorKeys,
    options: LogAnchorOptions = { everyEvents: 100, intervalMs: 10_000 },
  ): LogAnchor {
    return new LogAnchor(path, store, keys, options);
  }

  private constructor(
    path: string,
    private readonly store: EventStore,
    private readonly keys: AnchorKeys,
    private readonly options: LogAnchorOptions,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path, { timeout: 5000 });
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    this.db.exec(SCHEMA);
  }

  /**
   * Start-up: compare the store with the last signed checkpoint before anything is signed again; when they
   * match, anchor what was appended since and keep anchoring (every N events, every T ms).
   */
  async start(): Promise<AnchorVerification> {
    const check = await this.verify();
    this.startUpCheck = check;
    if (!check.intact) {
      this.refusal = check;
      this.options.log?.(`The event store does not match its signed checkpoint: ${describe(check)}`);
      return check;
    }
    if (!check.checkpoint && (await this.store.headPosition()) !== undefined) {
      // Trust on first use: an anchor file that is new (or was deleted) vouches for the log as it is now.
      this.options.log?.('No signed checkpoint yet: the log as it is now is anchored and signed (first use)');
    }
    await this.checkpoint();
    this.timer = setInterval(() => {
      this.checkpoint().catch((error: unknown) => this.options.log?.(`Checkpoint failed: ${String(error)}`));
    }, this.options.intervalMs);
    this.timer.unref();
    const after = this.latestCheckpointRow()?.position;
    this.subscription = this.store.subscribeToAll(after ? { afterPosition: BigInt(after) } : {}, {
      onEvent: async () => {
        this.unanchored += 1;
        if (this.unanchored >= this.options.everyEvents) await this.checkpoint();
      },
      onError: (error) => this.options.log?.(`Anchor subscription stopped: ${error.message}`),
    });
    return check;
  }

  /** Stops anchoring; a last checkpoint covers everything appended until now (the store must still be open). */
  async stop(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.subscription?.stop();
    if (this.startUpCheck && !this.refusal) await this.checkpoint().catch(() => undefined);
    await this.queue.catch(() => undefined);
    this.closed = true;
    this.db.close();
  }

  /** Why the service must not serve, or undefined: the store matched at start-up and still does. */
  refusalReason(): string | undefined {
    const check = this.refusal;
    if (!check) return undefined;
    const at = check.checkpoint
      ? `checkpoint #${check.checkpoint.number} (position ${check.checkpoint.position}, signed ${check.checkpoint.signedAt})`
      : 'its signed checkpoint';
    return (
      `the event store does not match ${at}: ${describe(check)}; ` +
      'refusing to serve until it is investigated (npm run audit -- verify-log)'
    );
  }

  latestCheckpoint(): CheckpointView | undefined {
    const row = this.latestCheckpointRow();
    return row && view(row);
  }

  /**
   * Anchors every event appended since the last checkpoint and signs a new one; returns it, or undefined when
   * nothing new was appended or the store no longer matches what was anchored (then nothing is signed).
   */
  checkpoint(): Promise<CheckpointView | undefined> {
    const run = this.queue.then(() => this.anchorPending());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async anchorPending(): Promise<CheckpointView | undefined> {
    if (this.refusal || this.closed) return undefined;
    if (!this.keys.signing)
      throw new Error('The anchor has no signing key (only ANCHOR_PUBLIC_KEY was given)');
    this.unanchored = 0;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const last = this.db.prepare('SELECT * FROM anchored_events ORDER BY seq DESC LIMIT 1').get() as
        AnchoredRow | undefined;
      // The last anchored event must still be there, unchanged, before anything is chained after it.
      if (last) {
        const [tail] = await this.store.readAll({ fromPosition: BigInt(last.position), maxCount: 1 });
        if (!tail || tail.position.toString() !== last.position || storedEventDigest(tail) !== last.digest) {
          this.db.exec('ROLLBACK');
          const check = await this.verify();
          // Intact against the checkpoint but not the anchored tail: something changed after it; refuse anyway.
          this.refusal = check.intact
            ? {
                ...check,
                intact: false,
                findings: [
                  {
                    problem: 'event-edited',
                    streamId: last.stream_id,
                    revision: last.revision,
                    position: last.position,
                    eventId: last.event_id,
                    detail: `the last anchored event (position ${last.position}) changed or is gone`,
                  },
                ],
              }
            : check;
          this.options.log?.(
            `The event store no longer matches what was anchored: ${describe(this.refusal)}`,
          );
          return undefined;
        }
      }
      const insert = this.db.prepare(
        'INSERT INTO anchored_events (seq, position, stream_id, revision, event_id, stored_at, digest, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      let seq = last?.seq ?? 0;
      let chain = last?.chain ?? GENESIS;
      let position = last ? BigInt(last.position) : undefined;
      for (;;) {
        const page = await this.store.readAll({ afterPosition: position, maxCount: PAGE });
        for (const event of page) {
          const digest = storedEventDigest(event);
          chain = chainStep(chain, digest);
          seq += 1;
          insert.run(
            seq,
            event.position.toString(),
            event.streamId,
            event.revision,
            event.id,
            event.storedAt.toISOString(),
            digest,
            chain,
          );
          position = event.position;
        }
        if (page.length < PAGE) break;
      }
      if (seq === (last?.seq ?? 0)) {
        this.db.exec('ROLLBACK');
        return undefined;
      }
      const previous = this.latestCheckpointRow();
      const unsigned = {
        number: (previous?.number ?? 0) + 1,
        events: seq,
        position: position!.toString(),
        chain,
        signed_at: new Date().toISOString(),
        key_id: this.keys.keyId,
      };
      const signature = sign(null, checkpointPayload(unsigned), this.keys.signing).toString('base64');
      this.db
        .prepare(
          'INSERT INTO signed_checkpoints (number, events, position, chain, signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          unsigned.number,
          unsigned.events,
          unsigned.position,
          unsigned.chain,
          unsigned.signed_at,
          unsigned.key_id,
          signature,
        );
      this.db.exec('COMMIT');
      return view({ ...unsigned, signature });
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private latestCheckpointRow(): CheckpointRow | undefined {
    return this.db.prepare('SELECT * FROM signed_checkpoints ORDER BY number DESC LIMIT 1').get() as
      CheckpointRow | undefined;
  }

  /**
   * Compares the store with the latest signed checkpoint: the checkpoint's signature, then the anchored
   * events against it, then every stored event up to its position against its anchored record.
   */
  async verify(): Promise<AnchorVerification> {
    const row = this.latestCheckpointRow();
    if (!row) return { checkpoint: null, intact: true, findings: [] };
    const checkpoint = view(row);
    const { signature, ...unsigned } = row;
    let signatureValid = false;
    try {
      signatureValid = verify(
        null,
        checkpointPayload(unsigned),
        this.keys.verifying,
        Buffer.from(signature, 'base64'),
      );
    } catch {
      signatureValid = false;
    }
    if (!signatureValid) {
      return {
        checkpoint,
        intact: false,
        findings: [
          {
            problem: 'checkpoint-signature-invalid',
            position: row.position,
            detail:
              `checkpoint #${row.number} is not signed by the anchor key ${this.keys.keyId} ` +
              `(it names key ${row.key_id}): the anchor file was rewritten, or the key changed`,
          },
        ],
      };
    }
    const altered = this.anchorAlteration(row);
    if (altered) return { checkpoint, intact: false, findings: [altered] };
    const findings = await this.compareWithStore(row);
    return { checkpoint, intact: findings.length === 0, findings };
  }

  /** The anchored events must recompute, one by one, to the chain the checkpoint signs. */
  private anchorAlteration(checkpoint: CheckpointRow): TamperFinding | undefined {
    let chain = GENESIS;
    let count = 0;
    for (const row of this.anchoredRows(checkpoint.events)) {
      count += 1;
      chain = chainStep(chain, row.digest);
      if (row.seq !== count || row.chain !== chain) {
        return {
          problem: 'anchor-altered',
          streamId: row.stream_id,
          revision: row.revision,
          position: row.position,
          eventId: row.event_id,
          detail: `the anchored record of position ${row.position} was edited: it no longer chains to checkpoint #${checkpoint.number}`,
        };
      }
    }
    if (count !== checkpoint.events || chain !== checkpoint.chain) {
      return {
        problem: 'anchor-altered',
        position: checkpoint.position,
        detail: `the anchored events no longer recompute to checkpoint #${checkpoint.number} (${count} of ${checkpoint.events} events)`,
      };
    }
    return undefined;
  }

  private *anchoredRows(upToSeq: number): Generator<AnchoredRow> {
    const page = this.db.prepare(
      'SELECT * FROM anchored_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
    );
    let after = 0;
    for (;;) {
      const rows = page.all(after, upToSeq, PAGE) as unknown as AnchoredRow[];
      yield* rows;
      if (rows.length < PAGE) return;
      after = rows.at(-1)!.seq;
    }
  }

  private async *storedEvents(upTo: bigint): AsyncGenerator<RecordedEvent> {
    let after: bigint | undefined;
    for (;;) {
      const page = await this.store.readAll({ afterPosition: after, maxCount: PAGE });
      for (const event of page) {
        if (event.position > upTo) return;
        yield event;
      }
      if (page.length < PAGE) return;
      after = page.at(-1)!.position;
    }
  }

  /** Walks the anchored events and the stored ones side by side, in position order. */
  private async compareWithStore(checkpoint: CheckpointRow): Promise<TamperFinding[]> {
    const findings: TamperFinding[] = [];
    const missing: AnchoredRow[] = [];
    const extra: RecordedEvent[] = [];
    const anchored = this.anchoredRows(checkpoint.events);
    const stored = this.storedEvents(BigInt(checkpoint.position));
    let a = anchored.next();
    let s = await stored.next();
    while (!a.done || !s.done) {
      if (findings.length + missing.length + extra.length > MAX_FINDINGS) break;
      if (s.done || (!a.done && BigInt(a.value.position) < s.value.position)) {
        missing.push(a.value as AnchoredRow);
        a = anchored.next();
      } else if (a.done || s.value.position < BigInt(a.value.position)) {
        extra.push(s.value);
        s = await stored.next();
      } else {
        const row = a.value;
        const event = s.value;
        if (event.id !== row.event_id) {
          // Another event sits at this position: the anchored one is gone from here.
          missing.push(row);
          extra.push(event);
        } else if (event.streamId !== row.stream_id || event.revision !== row.revision) {
          findings.push({
            ...at(row),
            problem: 'event-moved',
            detail: `event ${row.event_id} was ${row.stream_id} revision ${row.revision}; it now claims ${event.streamId} revision ${event.revision}`,
          });
        } else if (storedEventDigest(event) !== row.digest) {
          const storedAt = event.storedAt.toISOString();
          if (storedAt !== row.stored_at) {
            findings.push({
              ...at(row),
              problem: 'stored-at-changed',
              detail: `stored_at was ${row.stored_at}, now ${storedAt}`,
            });
          }
          if (storedEventDigest(event, row.stored_at) !== row.digest) {
            findings.push({
              ...at(row),
              problem: 'event-edited',
              detail: `${event.type} at ${row.stream_id} revision ${row.revision} is not what was anchored`,
            });
          }
        }
        a = anchored.next();
        s = await stored.next();
      }
    }
    findings.push(...(await this.explainMissing(missing, extra)));
    return findings.sort((x, y) => comparePositions(x.position, y.position));
  }

  /** Events that are gone from their anchored position: moved, removed, or their stream cut short or deleted. */
  private async explainMissing(missing: AnchoredRow[], extra: RecordedEvent[]): Promise<TamperFinding[]> {
    const findings: TamperFinding[] = [];
    const moved = new Set<string>();
    const byStream = new Map<string, AnchoredRow[]>();
    for (const row of missing) byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), row]);
    for (const [streamId, rows] of byStream) {
      const head = await this.store.streamRevision(streamId);
      if (head === undefined) {
        const first = rows[0]!;
        findings.push({
          ...at(first),
          problem: 'stream-deleted',
          detail: `${streamId} is gone: ${rows.length} anchored event(s) from revision ${first.revision} (position ${first.position})`,
        });
        continue;
      }
      let truncated = false;
      for (const row of rows) {
        const [now] = await this.store.readStream(streamId, { fromRevision: row.revision, maxCount: 1 });
        const elsewhere =
          now?.id === row.event_id && now.revision === row.revision
            ? now
            : extra.find((event) => event.id === row.event_id);
        if (elsewhere) {
          moved.add(elsewhere.id);
          findings.push({
            ...at(row),
            problem: 'event-moved',
            detail: `event ${row.event_id} was at position ${row.position}; it is now at position ${elsewhere.position} (${elsewhere.streamId} revision ${elsewhere.revision})`,
          });
        } else if (row.revision > head) {
          if (!truncated) {
            truncated = true;
            findings.push({
              ...at(row),
              problem: 'stream-truncated',
              detail: `${streamId} ends at revision ${head}; it was anchored up to revision ${rows.at(-1)!.revision} — revision ${row.revision} (position ${row.position}) onwards is gone`,
            });
          }
        } else {
          findings.push({
            ...at(row),
            problem: 'event-removed',
            detail: `event ${row.event_id} (${streamId} revision ${row.revision}) is gone from position ${row.position}`,
          });
        }
      }
    }
    for (const event of extra) {
      if (moved.has(event.id)) continue;
      findings.push({
        problem: 'event-inserted',
        streamId: event.streamId,
        revision: event.revision,
        position: event.position.toString(),
        eventId: event.id,
        detail: `${event.type} at position ${event.position} was not in the log when it was anchored`,
      });
    }
    return findings;
  }
}

const at = (row: AnchoredRow) => ({
  streamId: row.stream_id,
  revision: row.revision,
  position: row.position,
  eventId: row.event_id,
});

function comparePositions(x: string | undefined, y: string | undefined): number {
  const a = BigInt(x ?? 0);
  const b = BigInt(y ?? 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first findings in one line, for readiness and logs. */
export function describe(check: AnchorVerification): string {
  const shown = check.findings
    .slice(0, 3)
    .map(
      (f) =>
        `${f.problem}${f.streamId ? ` ${f.streamId}` : ''}${f.revision !== undefined ? ` revision ${f.revision}` : ''}` +
        `${f.position ? ` at position ${f.position}` : ''}`,
    );
  const more = check.findings.length > 3 ? ` and ${check.findings.length - 3} more` : '';
  return shown.join('; ') + more;
}
