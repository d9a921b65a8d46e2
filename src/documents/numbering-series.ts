import { createHash } from 'node:crypto';
import type { Clock } from '../platform/clock/clock.js';
import { deterministicEventId } from '../platform/event-store/event-ids.js';
import type { EventStore, NewEvent, RecordedEvent } from '../platform/event-store/event-store.port.js';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../platform/event-store/errors.js';
import { GENESIS_HASH, chainEvents } from '../platform/event-store/hash-chain.js';
import { ConcurrencyConflictError } from '../platform/commands/command-outcome.js';
import { numberingStream } from '../platform/event-store/stream-names.js';
import {
  assignNumbersInBlock,
  initialNumberCounter,
  redate,
  type BlockPart,
  type DocumentNumberCounter,
  type NumberableDocument,
  type Numbered,
} from '../domain/documents/index.js';
import type { LocalDate } from '../domain/shared/calendar.js';

/** One number given, as DocumentNumbersAssigned records it (`date` only for a late document, re-dated). */
export interface NumberAssignment {
  documentId: string;
  number: string;
  sequence: number;
  date?: LocalDate;
}

/** The numbering event of a block: the series' counter after it, and every number it gave. */
export interface DocumentNumbersAssigned {
  issuer: string;
  year: number;
  lastNumber: number;
  /** The series' latest date after the block; absent on bills' series and on events from before it was kept. */
  latestDate?: LocalDate;
  assignments: NumberAssignment[];
}

/**
 * What is kept of one series: its counter and the assignments of its last few blocks only — bounded, however
 * many documents the series numbers in a year. Each DocumentNumbersAssigned carries the whole counter (last
 * number, latest date), so the head is read from the stream's last events, never by replaying the series.
 */
export interface SeriesHead {
  /** Revision of the last event; undefined before the first. */
  revision: number | undefined;
  lastHash: string;
  counter: DocumentNumberCounter;
  /** The last blocks' assignments, oldest first: a retry after a crash finds its numbers here. */
  recent: NumberAssignment[][];
}

/**
 * How many of a series' last blocks are kept to recognise a retry. The issuer retries a batch before it
 * numbers anything else (it resumes from its checkpoint), so its block is the last one of each series it
 * touched; a few more leave room for a release or a correction numbered between the crash and the restart.
 */
export const RECENT_BLOCKS = 8;
const MAX_ATTEMPTS = 5;

/**
 * The gapless numbering series of each issuer and year (`doc-numbers-<issuer>-<year>`): a block of numbers
 * for many accounts' documents is reserved in one append, guarded by the stream's expected revision. A
 * retry recognises its documents by their ids (derived from the account, period and kind) in the series'
 * last blocks and gets the same numbers and dates, storing nothing.
 */
export class NumberingSeries {
  private readonly heads = new Map<string, SeriesHead>();
  /** Blocks of one series are reserved one at a time in this process; other processes are caught by the revision. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** The series' head: cached, else from its last RECENT_BLOCKS events (read backwards). */
  async head(issuer: string, year: number): Promise<SeriesHead> {
    const stream = numberingStream(issuer, year);
    const cached = this.heads.get(stream);
    if (cached) return cached;
    let tail: RecordedEvent[] = [];
    try {
      tail = await this.store.readStream(stream, { direction: 'backwards', maxCount: RECENT_BLOCKS });
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    const last = tail[0];
    const data = last?.data as DocumentNumbersAssigned | undefined;
    const head: SeriesHead = {
      revision: last?.revision,
      lastHash: (last?.metadata.hash as string | undefined) ?? GENESIS_HASH,
      counter: {
        ...initialNumberCounter(issuer, year),
        ...(data ? { lastNumber: data.lastNumber } : {}),
        ...(data?.latestDate !== undefined ? { latestDate: data.latestDate } : {}),
      },
      recent: tail.map((e) => (e.data as DocumentNumbersAssigned).assignments ?? []).reverse(),
    };
    this.heads.set(stream, head);
    return head;
  }

  /**
   * Numbers each part's documents (one account's, with its local day) in the series, part after part, in
   * one DocumentNumbersAssigned. Documents already numbered in the series' last blocks get their numbers
   * (and dates) again; nothing is stored when there is nothing new. Answers per part its numbered documents
   * (by number) and the late ones carried over to a later year's series.
   */
  reserve<D extends NumberableDocument>(
    issuer: string,
    year: number,
    parts: ReadonlyArray<BlockPart<D>>,
    meta: { actor: string; causationId: string },
  ): Promise<Array<{ documents: Array<Numbered<D>>; carriedOver: D[] }>> {
    const stream = numberingStream(issuer, year);
    const run = (this.queues.get(stream) ?? Promise.resolve()).then(
      () => this.reserveNow(issuer, year, parts, meta),
      () => this.reserveNow(issuer, year, parts, meta),
    );
    this.queues.set(stream, run);
    const cleanUp = () => {
      if (this.queues.get(stream) === run) this.queues.delete(stream);
    };
    run.then(cleanUp, cleanUp);
    return run;
  }

  private async reserveNow<D extends NumberableDocument>(
    issuer: string,
    year: number,
    parts: ReadonlyArray<BlockPart<D>>,
    meta: { actor: string; causationId: string },
  ) {
    const stream = numberingStream(issuer, year);
    for (let attempt = 1; ; attempt++) {
      const head = await this.head(issuer, year);
      const known = new Map(head.recent.flat().map((a) => [a.documentId, a]));
      const again = parts.map((part) => part.documents.filter((d) => known.has(d.documentId)));
      const block = assignNumbersInBlock(
        head.counter,
        parts.map((part) => ({ ...part, documents: part.documents.filter((d) => !known.has(d.documentId)) })),
      );
      const answer = parts.map((_, index) => ({
        documents: [
          ...again[index]!.map((document) => {
            const { date, ...number } = known.get(document.documentId)!;
            return { ...redate(document, date ?? document.date), ...number } as Numbered<D>;
          }),
          ...block.parts[index]!.documents,
        ].sort((a, b) => a.sequence - b.sequence),
        carriedOver: block.parts[index]!.carriedOver,
      }));
      const composedDate = new Map(parts.flatMap((p) => p.documents.map((d) => [d.documentId, d.date])));
      const assignments: NumberAssignment[] = block.parts.flatMap((part) =>
        part.documents.map((d) => ({
          documentId: d.documentId,
          number: d.number,
          sequence: d.sequence,
          ...(d.date !== composedDate.get(d.documentId) ? { date: d.date } : {}),
        })),
      );
      if (assignments.length === 0) return answer;
      const data: DocumentNumbersAssigned = {
        issuer,
        year,
        lastNumber: block.counter.lastNumber,
        ...(block.counter.latestDate !== undefined ? { latestDate: block.counter.latestDate } : {}),
        assignments,
      };
      const revision = (head.revision ?? -1) + 1;
      // Named by the revision it takes and what it assigns: a writer with a stale view (another block at that
      // revision) is refused by the revision check, never mistaken for a retry of that block.
      const digest = createHash('sha256').update(JSON.stringify(assignments)).digest('hex').slice(0, 16);
      const commandId = `number/${issuer}/${year}/${revision}/${digest}`;
      const now = this.clock.now().toISOString();
      const event: NewEvent = {
        id: deterministicEventId(`${stream}/${commandId}/0`),
        type: 'DocumentNumbersAssigned',
        data,
        metadata: {
          commandId,
          correlationId: commandId,
          causationId: meta.causationId,
          actor: meta.actor,
          recordedAt: now,
          effectiveAt: now,
          schemaVersion: 1,
        },
      };
      const chained = chainEvents(stream, revision, head.lastHash, [event]);
      try {
        const result = await this.store.append(stream, chained, head.revision ?? 'no_stream');
        // The store reported an earlier identical append (same id at that revision): our view was stale.
        if (result.nextExpectedRevision !== revision)
          throw new WrongExpectedRevisionError(
            stream,
            head.revision ?? 'no_stream',
            result.nextExpectedRevision,
          );
      } catch (error) {
        this.heads.delete(stream);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt < MAX_ATTEMPTS) continue;
        throw new ConcurrencyConflictError(stream, MAX_ATTEMPTS);
      }
      head.revision = revision;
      head.lastHash = chained[0]!.metadata!.hash as string;
      head.counter = block.counter;
      head.recent = [...head.recent, assignments].slice(-RECENT_BLOCKS);
      return answer;
    }
  }
}
