import type { EventStore, RecordedEvent } from '../../platform/event-store/event-store.port.js';
import { StreamNotFoundError } from '../../platform/event-store/errors.js';
import { verifyChain, type ChainBreak } from '../../platform/event-store/hash-chain.js';
import {
  accountLedgerPrefix,
  accountStream,
  PAYMENT_STREAM_PREFIX,
  paymentStream,
} from '../../platform/event-store/stream-names.js';
import type {
  CheckpointView,
  LogAnchor,
  TamperFinding,
} from '../../platform/event-store/anchor/log-anchor.js';

const PAGE = 1000;

export interface StreamVerification {
  streamId: string;
  events: number;
  intact: boolean;
  firstBreak?: ChainBreak;
  /** What the signed checkpoint shows was done to this stream, in position order. */
  tampering?: TamperFinding[];
}

export interface AccountVerification {
  accountId: string;
  intact: boolean;
  streams: StreamVerification[];
  /** The checkpoint compared with (only with the log anchor; null when none was signed yet). */
  checkpoint?: CheckpointView | null;
  /** Findings about the anchor itself (a bad signature, an altered anchor file): they concern every account. */
  anchor?: TamperFinding[];
}

const belongsTo = (streamId: string, accountId: string) =>
  streamId === accountStream(accountId) || streamId.startsWith(accountLedgerPrefix(accountId));

/**
 * An account's tamper check, for the audit route and the audit CLI alike: each hash chain of its streams (its
 * account, its ledger periods and the claims of its payment ids) recomputed, its first broken event named;
 * with the log anchor, the same streams compared with the latest signed checkpoint, which catches what a chain
 * cannot: a stream cut short or deleted, an event edited with its chain recomputed, a changed stored_at or
 * position.
 */
export async function verifyAccount(
  store: EventStore,
  accountId: string,
  anchor?: LogAnchor,
): Promise<AccountVerification> {
  const streams = new Set<string>();
  const prefixes = [accountStream(accountId), accountLedgerPrefix(accountId), PAYMENT_STREAM_PREFIX];
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({
      afterPosition: after,
      maxCount: PAGE,
      filter: { streamPrefixes: prefixes },
    });
    for (const event of page) {
      const data = event.data as { paymentId?: unknown; accountId?: unknown } | null;
      if (belongsTo(event.streamId, accountId)) {
        streams.add(event.streamId);
        // The ledger names each payment id it booked: its claim is checked even if the claim was deleted.
        if (typeof data?.paymentId === 'string') streams.add(paymentStream(data.paymentId));
      } else if (event.streamId.startsWith(PAYMENT_STREAM_PREFIX) && data?.accountId === accountId) {
        streams.add(event.streamId);
      }
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.position;
  }
  const check = anchor && (await anchor.verify());
  // A stream deleted whole is known only to the anchor.
  for (const finding of check?.findings ?? []) {
    if (finding.streamId && belongsTo(finding.streamId, accountId)) streams.add(finding.streamId);
  }
  const results: StreamVerification[] = [];
  for (const streamId of [...streams].sort()) {
    let events: RecordedEvent[] = [];
    try {
      events = await store.readStream(streamId);
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    const tampering = check?.findings.filter((f) => f.streamId === streamId) ?? [];
    // A payment id the ledger names that never had a claim here (e.g. the claim predates claims): nothing to say.
    if (events.length === 0 && tampering.length === 0 && streamId.startsWith(PAYMENT_STREAM_PREFIX)) continue;
    const broken = verifyChain(events);
    results.push({
      streamId,
      events: events.length,
      intact: !broken && tampering.length === 0,
      ...(broken ? { firstBreak: broken } : {}),
      ...(tampering.length > 0 ? { tampering } : {}),
    });
  }
  const general = check?.findings.filter((f) => !f.streamId) ?? [];
  return {
    accountId,
    intact: results.every((r) => r.intact) && general.length === 0,
    streams: results,
    ...(check ? { checkpoint: check.checkpoint, ...(general.length > 0 ? { anchor: general } : {}) } : {}),
  };
}
