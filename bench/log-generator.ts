// Builds large realistic logs quickly: the engine's own the engine decides every event (accounts
// opened, funded, charged through the real catalog, periods closed and reopened), on an in-memory store;
// each chunk of accounts is then written to the durable store file in one group-committed transaction.
// The result is exactly what the engine would have stored command by command, minus the per-command fsync.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Big from 'big.js';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { createEngine } from '../src/bootstrap.js';
import { OpenAccount } from '../src/accounts/open-account/open-account.command.js';
import { LedgerBook } from '../src/ledger/ledger-book.js';
import { namedLedgerCommand } from '../src/ledger/named-ledger-command.js';
import { PayBill } from '../src/ledger/pay-bill/pay-bill.command.js';
import { PriceCatalogProvider } from '../src/ledger/price-catalog.provider.js';
import { VirtualClock } from '../src/platform/clock/clock.js';
import { PersonalDataVault } from '../src/platform/personal-data/personal-data-vault.js';
import { developmentMasterKey } from '../src/platform/secrets/master-key.js';
import { ProfileRegistry } from '../src/domain/policies/profile-registry.js';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../src/platform/event-store/errors.js';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
} from '../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/platform/event-store/sqlite/sqlite-event-store.js';
import {
  accountId,
  accountKind,
  fundingCommand,
  month,
  openAccountCommand,
  usageCommand,
} from './workload.js';
import { deterministicEventId } from '../src/platform/event-store/event-ids.js';
import { GENESIS_HASH, chainEvents } from '../src/platform/event-store/hash-chain.js';
import { PAYMENT_STREAM_PREFIX } from '../src/platform/event-store/stream-names.js';
import { now, secondsSince } from './support.js';

/** Just enough of the EventStore port for the engine, in memory; remembers every append in order. */
class MemoryEventStore implements EventStore {
  private readonly streams = new Map<string, RecordedEvent[]>();
  private position = 0n;
  private readonly ids = new Set<string>();
  /** Set by the generator: appends made in one phase (one day of one month) are written together. */
  phase = 0;
  appends: Array<{ streamId: string; events: NewEvent[]; phase: number }> = [];

  async append(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length > 0 ? stream.length - 1 : undefined;
    if (this.ids.has(`${streamId}\n${events[0]!.id}`))
      return { nextExpectedRevision: current!, position: stream.at(-1)!.position };
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === undefined) ||
      (expected === 'stream_exists' && current !== undefined) ||
      expected === current;
    if (!ok) throw new WrongExpectedRevisionError(streamId, expected, current ?? 'no_stream');
    for (const event of events) {
      this.ids.add(`${streamId}\n${event.id}`);
      stream.push({
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata ?? {},
        streamId,
        revision: stream.length,
        position: ++this.position,
        storedAt: new Date(0),
      });
    }
    this.streams.set(streamId, stream);
    this.appends.push({ streamId, events, phase: this.phase });
    return { nextExpectedRevision: stream.length - 1, position: this.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.streams.get(streamId);
    if (!stream) throw new StreamNotFoundError(streamId);
    if (options.direction === 'backwards' || typeof options.fromRevision === 'number')
      throw new Error('not needed by the generator');
    return stream.slice(0, options.maxCount ?? stream.length);
  }

  async streamRevision(streamId: string): Promise<number | undefined> {
    const length = this.streams.get(streamId)?.length ?? 0;
    return length > 0 ? length - 1 : undefined;
  }

  readAll(): Promise<RecordedEvent[]> {
    throw new Error('not needed by the generator');
  }
  async headPosition(): Promise<bigint | undefined> {
    return this.position === 0n ? undefined : this.position;
  }
  subscribeToAll(): Subscription {
    throw new Error('not needed by the generator');
  }
  async close(): Promise<void> {}
}

export interface LogSpec {
  /** Account ids are `<prefix>-000000`… */
  prefix: string;
  accounts: number;
  /** Consecutive months 'YYYY-MM', the first one the accounts open in. */
  firstMonth: string;
  months: number;
  usagePerMonth: number;
  /** Close every month but the last (as the timelines do at each month end). */
  closeMonths: boolean;
}

export interface GeneratedLog {
  events: number;
  appends: number;
  seconds: number;
  eventsPerSec: number;
}

/**
 * Accounts whose histories the engine decides in full: 40 = lcm(10 account kinds slots, 8 SKU rotations),
 * so every other account's history equals one of theirs up to its ids.
 */
const TEMPLATES = 40;

/**
 * Appends the accounts' histories to `dir/events.sqlite` and their keys to `dir/keys.sqlite` (the
 * personal-data keys the sealed legal details need); does nothing when a previous run in the same
 * directory generated the same spec. Several specs (with different prefixes) may share one directory.
 *
 * The engine's the engine decides the whole history of the first 40 accounts (one of each account
 * kind × SKU rotation) on an in-memory store. Every further account gets the history of its template
 * with its own ids: account id, stream names, usage/payment/bill ids and command ids substituted, legal
 * details sealed again under its own key, event ids derived again as the engine derives them and the
 * hash chain recomputed, so the log is what the engine would have stored for it.
 */
export async function generateLog(dir: string, spec: LogSpec): Promise<GeneratedLog> {
  const marker = join(dir, `generated-${spec.prefix}.json`);
  const specKey = JSON.stringify(spec);
  if (existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8')) as { spec: string; log: GeneratedLog };
    if (saved.spec === specKey) return saved.log;
    throw new Error(`${dir} holds another generated log`);
  }
  const ids = Array.from({ length: spec.accounts }, (_, i) => accountId(spec.prefix, i));
  const vault = new PersonalDataVault(
    join(dir, 'keys.sqlite'),
    developmentMasterKey(join(dir, 'personal-data-master.key')).key,
  );
  // Every key in one transaction (the vault alone would write each in its own fsynced one).
  vault.createKeys(ids.filter((_, index) => accountKind(index) !== 'individual'));
  const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
  const started = now();
  let events = 0;
  let appends = 0;
  try {
    const templates = ids.slice(0, TEMPLATES);
    const template = mergePhases(await decideHistories(templates, spec, vault));
    const indexOf = new Map(templates.map((id, t) => [id, t]));
    const idPattern = new RegExp(`${spec.prefix}-\\d{6}`);
    const accountOf = (streamId: string) => idPattern.exec(streamId)?.[0];
    let queued: Array<Promise<unknown>> = [];
    let queuedEvents = 0;
    for (let base = 0; base < ids.length; base += TEMPLATES) {
      const chains = new Map<string, { revision: number; hash: string }>();
      for (const append of template) {
        const from = accountOf(append.streamId);
        if (from === undefined) {
          // A stream of no account (the price list the engine seeds at its start): written once, as is.
          if (base === 0) {
            queued.push(store.append(append.streamId, append.events, 'any'));
            queuedEvents += append.events.length;
            appends += 1;
            events += append.events.length;
          }
          continue;
        }
        const t = indexOf.get(from);
        if (t === undefined) throw new Error(`No template account ${from} in ${append.streamId}`);
        if (base + t >= ids.length) continue;
        const cloned = base === 0 ? append : cloneAppend(append, from, ids[base + t]!, vault, chains);
        queued.push(store.append(cloned.streamId, cloned.events, 'any'));
        queuedEvents += cloned.events.length;
        appends += 1;
        events += cloned.events.length;
      }
      // Many appends per transaction (group commit), bounded so memory stays flat.
      if (queuedEvents >= 20_000 || base + TEMPLATES >= ids.length) {
        await Promise.all(queued);
        queued = [];
        queuedEvents = 0;
      }
    }
  } finally {
    await store.close();
    vault.close();
  }
  const seconds = secondsSince(started);
  const log = {
    events,
    appends,
    seconds: Math.round(seconds * 10) / 10,
    eventsPerSec: Math.round(events / seconds),
  };
  writeFileSync(marker, JSON.stringify({ spec: specKey, log }));
  return log;
}

/** Runs the accounts' whole history through the engine on an in-memory store; returns the appends. */
async function decideHistories(
  ids: string[],
  spec: LogSpec,
  vault: PersonalDataVault,
): Promise<Array<{ streamId: string; events: NewEvent[]; phase: number }>> {
  const memory = new MemoryEventStore();
  let current = month(spec.firstMonth);
  const clock = new VirtualClock(current.day(1));
  const context = await createEngine({
    eventStore: memory,
    clock,
    profiles: new ProfileRegistry(),
    catalog: new PriceCatalogProvider(),
    vault,
  });
  const bus = context.get(CommandBus);
  const ledger = context.get(LedgerBook);
  const meta = (commandId: string) => ({ commandId, actor: 'service:bench-generator' });
  const accounts = ids.map((id, index) => ({ id, index }));
  for (let m = 0; m < spec.months; m++) {
    const opening = current.day(1);
    clock.set(opening);
    memory.phase += 1;
    await Promise.all(
      accounts.map(async ({ id, index }) => {
        if (m === 0)
          await bus.execute(new OpenAccount(openAccountCommand(id, index, opening), meta(`open/${id}`)));
        const funding = fundingCommand(index, id, opening);
        if (funding.type === 'TopUp')
          await bus.execute(namedLedgerCommand(id, funding, meta(`fund/${id}/${m}`)));
        else if (m === 0) await bus.execute(namedLedgerCommand(id, funding, meta(`fund/${id}`)));
        else await payPreviousBill(bus, ledger, id, opening, meta(`pay/${id}/${m}`));
      }),
    );
    for (let d = 1; d <= current.days; d++) {
      clock.set(current.day(d).replace('T12:', 'T18:'));
      memory.phase += 1;
      await Promise.all(
        accounts.map(async ({ id, index }) => {
          for (let n = 0; n < spec.usagePerMonth; n++) {
            if (1 + Math.floor((n * current.days) / spec.usagePerMonth) !== d) continue;
            const command = usageCommand(index, n, current.day(d), `${id}.u${current.id}`);
            await bus.execute(namedLedgerCommand(id, command, meta(`usage/${current.id}/${id}/${n}`)));
          }
        }),
      );
    }
    if (spec.closeMonths && m < spec.months - 1) {
      clock.set(current.closedBy);
      memory.phase += 1;
      const next = current.nextStartsAt;
      await Promise.all(accounts.map(({ id }) => ledger.state(id, next)));
    }
    current = current.next();
  }
  await context.close();
  return memory.appends;
}

/**
 * Within one phase (a day of usage, a month's opening or close), each stream's appends become one append:
 * the events, their order within the stream and their global order by day are kept; the store is spared
 * a savepoint and two look-ups per command, which would otherwise dominate generating the log.
 */
function mergePhases(
  appends: Array<{ streamId: string; events: NewEvent[]; phase: number }>,
): Array<{ streamId: string; events: NewEvent[] }> {
  const merged: Array<{ streamId: string; events: NewEvent[] }> = [];
  let phase = -1;
  let byStream = new Map<string, NewEvent[]>();
  const emit = () => {
    for (const [streamId, events] of byStream) merged.push({ streamId, events });
    byStream = new Map();
  };
  for (const append of appends) {
    if (append.phase !== phase) {
      emit();
      phase = append.phase;
    }
    byStream.set(append.streamId, [...(byStream.get(append.streamId) ?? []), ...append.events]);
  }
  emit();
  return merged;
}

/** One append of a template account, for account `to`: ids substituted, sealed data and chain redone. */
function cloneAppend(
  append: { streamId: string; events: NewEvent[] },
  from: string,
  to: string,
  vault: PersonalDataVault,
  chains: Map<string, { revision: number; hash: string }>,
): { streamId: string; events: NewEvent[] } {
  const streamId = append.streamId.replaceAll(from, to);
  const perCommand = new Map<unknown, number>();
  const events = append.events.map((event) => {
    // Index of the event within its command's decision, as the engine numbers event ids.
    const k = perCommand.get(event.metadata?.commandId) ?? 0;
    perCommand.set(event.metadata?.commandId, k + 1);
    const { hash: _hash, prevHash: _prevHash, ...metadata } = event.metadata ?? {};
    const copy = JSON.parse(
      JSON.stringify({ type: event.type, data: event.data, metadata }).replaceAll(from, to),
    ) as {
      type: string;
      data: { personal?: { sealed?: string } };
      metadata: EventMetadata;
    };
    const sealed = copy.data.personal?.sealed;
    if (sealed) copy.data.personal = { sealed: vault.seal(to, vault.unseal(from, sealed)) };
    const id = streamId.startsWith(PAYMENT_STREAM_PREFIX)
      ? deterministicEventId(`${streamId}/claim`)
      : deterministicEventId(`${streamId}/${String(copy.metadata.commandId)}/${k}`);
    return { id, ...copy };
  });
  const chain = chains.get(streamId) ?? { revision: -1, hash: GENESIS_HASH };
  const chained = chainEvents(streamId, chain.revision + 1, chain.hash, events);
  chains.set(streamId, {
    revision: chain.revision + chained.length,
    hash: chained.at(-1)!.metadata!.hash as string,
  });
  return { streamId, events: chained };
}

/** A credit account pays last month's period bill in full at the start of the month. */
async function payPreviousBill(
  bus: CommandBus,
  ledger: LedgerBook,
  id: string,
  at: string,
  meta: { commandId: string; actor: string },
): Promise<void> {
  const state = await ledger.state(id, at);
  for (const bill of [...state.openBills.values()]) {
    const paymentId = `${meta.commandId}/${bill.billId}`;
    const amount = new Big(bill.amount).minus(bill.paid).toFixed();
    await bus.execute(
      new PayBill(
        id,
        bill.billId,
        { paymentId, amount, channel: 'bank-transfer', at },
        { ...meta, commandId: paymentId },
      ),
    );
  }
}
