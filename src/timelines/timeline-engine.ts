import type { Command } from '@nestjs/cqrs';
import type { Clock } from '../platform/clock/clock.js';
import type { ServiceMetrics } from '../platform/metrics/service-metrics.js';
import { utcInstant } from '../platform/clock/instant.js';
import { CommandRejectedError, NotFoundError } from '../platform/commands/command-outcome.js';
import type { ProfileRegistry } from '../domain/policies/profile-registry.js';
import type { EventStore } from '../platform/event-store/event-store.port.js';
import type { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { LeasedRunner, type LeaseOptions } from '../../projections/runner/leased-runner.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import type { Deadline } from '../domain/timelines/deadline-plan.js';
import type { DeadlineKind } from '../domain/timelines/deadline-kinds.js';
import { timelinePlannerProjection } from '../../projections/workers/timeline-planner.projection.js';
import {
  documentIssuerProjection,
  type DocumentIssuing,
} from '../../projections/workers/document-issuer.projection.js';
import {
  autoTopUpRequesterProjection,
  type AutoTopUpRequesting,
} from '../../projections/workers/auto-top-up.projection.js';
import {
  refundPayerProjection,
  type RefundPaying,
} from '../../projections/workers/refund-payout.projection.js';
import { ClosePeriod } from '../ledger/close-period/close-period.command.js';
import { ExpireGrants } from '../ledger/expire-grants/expire-grants.command.js';
import { DeleteAccount } from '../accounts/delete-account/delete-account.command.js';
import { EndDocumentRetention } from '../accounts/end-document-retention/end-document-retention.command.js';
import { deadlineCommand } from '../ledger/deadline-commands/deadline-commands.js';
import { CloseFinalPeriod } from '../accounts/close-account/close-final-period.command.js';
import { RefundRemainingBalance } from '../accounts/close-account/refund-remaining-balance.command.js';
import { DeleteClosedAccount } from '../accounts/close-account/delete-closed-account.command.js';

interface DeadlineRow {
  id: string;
  account_id: string;
  kind: DeadlineKind;
  due_at: string;
  action: string;
}

/** Sends commands: the application's one CommandBus (so fired deadlines are measured like any command). */
export interface CommandSender {
  execute<R>(command: Command<R>): Promise<R>;
}

export interface FiredDeadline {
  id: string;
  dueAt: string;
  outcome: string;
}

/**
 * Runs the timelines: plans deadlines from the durable subscription and fires the due ones in time order.
 * A fired deadline sends an idempotent command (its id is the command id) that re-checks the account's
 * state, so firing twice — or from two instances — changes nothing the second time.
 *
 * With lease options (several instances sharing one timelines database) exactly one instance plans and
 * fires deadlines, and exactly one issues documents; a crashed holder loses its lease at expiry and another
 * instance continues from the checkpoints.
 */
export class TimelineEngine {
  private readonly planning: LeasedRunner;
  private readonly issuing?: LeasedRunner;
  private readonly requestingTopUps?: LeasedRunner;
  private readonly payingRefunds?: LeasedRunner;
  private polling?: NodeJS.Timeout;
  private leaseUpkeep?: NodeJS.Timeout;
  private readonly lease?: LeaseOptions;
  private readonly concurrency: number;
  private readonly metrics?: Pick<ServiceMetrics, 'deadlinesFired'>;
  private firing: Promise<unknown> = Promise.resolve();
  readonly fired: FiredDeadline[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly commands: CommandSender,
    private readonly clock: Clock,
    private readonly db: ReadModelDb,
    profiles: ProfileRegistry,
    /** Its own read-model connection: the issuer's transactions span event store appends. */
    documents?: { issuing: DocumentIssuing; db: ReadModelDb },
    options: {
      /** Several instances share the timelines database: one of them (the lease holder) runs them. */
      lease?: LeaseOptions;
      log?: (message: string) => void;
      /** Deadlines of different accounts fired at once (each account's own deadlines stay in order). */
      concurrency?: number;
      /** The auto top-up worker: sends each request to the payment gateway (its own connection too). */
      autoTopUps?: { requesting: AutoTopUpRequesting; db: ReadModelDb };
      /** The refund worker: pays each refund part out through the payment gateway (its own connection). */
      refunds?: { paying: RefundPaying; db: ReadModelDb };
      /** Counts each fired deadline by kind and outcome (`billing_deadlines_fired_total`). */
      metrics?: Pick<ServiceMetrics, 'deadlinesFired'>;
      /**
       * Whether the planner reads the log with the read models of this process (the process's shared
       * reader; the default). Where none runs here (PROJECTOR=separate, PROJECTIONS=off) it reads alone,
       * filtered by the store: the shared reader would read and decode every event of the log for it, every
       * charge included (issue 18: ≈ 10 µs per usage command on the command path).
       */
      plannerSharesLogReader?: boolean;
    } = {},
  ) {
    const { lease, log } = options;
    this.lease = lease;
    this.metrics = options.metrics;
    this.concurrency = options.concurrency ?? 16;
    const planner = timelinePlannerProjection(profiles);
    this.planning = new LeasedRunner(
      store,
      db,
      options.plannerSharesLogReader === false ? { ...planner, sharesLogReader: false } : planner,
      { lease, log },
    );
    if (documents)
      this.issuing = new LeasedRunner(
        store,
        documents.db,
        documentIssuerProjection(documents.issuing, { store }),
        {
          lease,
          log,
          batchSize: 50,
        },
      );
    if (options.autoTopUps)
      this.requestingTopUps = new LeasedRunner(
        store,
        options.autoTopUps.db,
        autoTopUpRequesterProjection(options.autoTopUps.requesting),
        { lease, log, batchSize: 50 },
      );
    if (options.refunds)
      this.payingRefunds = new LeasedRunner(
        store,
        options.refunds.db,
        refundPayerProjection(options.refunds.paying),
        {
          lease,
          log,
          batchSize: 50,
        },
      );
  }

  /** The refund worker, when wired. */
  get refundPayer(): ProjectionRunner | undefined {
    return this.payingRefunds?.runner;
  }

  /** The auto top-up worker, when wired. */
  get autoTopUpRequester(): ProjectionRunner | undefined {
    return this.requestingTopUps?.runner;
  }

  get planner(): ProjectionRunner {
    return this.planning.runner;
  }

  get issuer(): ProjectionRunner | undefined {
    return this.issuing?.runner;
  }

  /** Whether this instance plans and fires deadlines now (always, without a lease). */
  get firesDeadlines(): boolean {
    return this.planning.held;
  }

  /** Whether this instance issues documents now. */
  get issuesDocuments(): boolean {
    return this.issuing?.held ?? false;
  }

  private readonly deadlines = () => this.planner.table('timeline_deadlines');

  async start(): Promise<void> {
    await this.tendLeases();
    if (this.lease) {
      this.leaseUpkeep = setInterval(
        () => void this.tendLeases().catch(() => undefined),
        Math.max(50, this.lease.ttlMs / 3),
      );
      this.leaseUpkeep.unref?.();
    }
  }

  private async tendLeases(): Promise<void> {
    await this.planning.tend();
    await this.issuing?.tend();
    await this.requestingTopUps?.tend();
    await this.payingRefunds?.tend();
  }

  /** Production: look for due deadlines every `intervalMs` on the system clock. */
  startPolling(intervalMs = 1000): void {
    this.polling = setInterval(() => void this.fireDue().catch(() => undefined), intervalMs);
  }

  async stop(): Promise<void> {
    if (this.polling) clearInterval(this.polling);
    if (this.leaseUpkeep) clearInterval(this.leaseUpkeep);
    await this.firing.catch(() => undefined);
    await this.planning.stop();
    await this.issuing?.stop();
    await this.requestingTopUps?.stop();
    await this.payingRefunds?.stop();
  }

  /** Waits until every stored event has been planned (read-your-writes for timers). */
  async settle(): Promise<void> {
    const head = await this.store.headPosition();
    if (head === undefined || !this.planning.held) return;
    await this.planner.waitFor(head);
    // Documents append events of their own; wait until the issuer has seen everything up to then.
    if (this.issuer && this.issuesDocuments) await this.issuer.waitFor(head);
    // Gateway answers given at once are booked as top-ups or failures: wait for them too.
    if (this.requestingTopUps?.held) await this.requestingTopUps.runner.waitFor(head);
    if (this.payingRefunds?.held) await this.payingRefunds.runner.waitFor(head);
    const after = await this.store.headPosition();
    if (after !== undefined && after !== head) await this.planner.waitFor(after);
  }

  /**
   * Fires every deadline due at the clock's time; returns what fired. It goes in rounds: each round fires
   * the earliest due deadline of every account at once, then waits for their effects to be planned. So an
   * account's deadlines fire one after another in (dueAt, order), each seeing the effects of the one
   * before, while a month end closes thousands of accounts side by side. Every command is decided at its
   * deadline's own time, so accounts firing in parallel decide exactly what they would one by one.
   */
  fireDue(): Promise<FiredDeadline[]> {
    const run = this.firing.then(async () => {
      const fired: FiredDeadline[] = [];
      for (;;) {
        // Another instance holds the timelines: it fires them.
        if (!this.planning.held) return fired;
        await this.settle();
        const round = await this.dueRound(this.clock.now().toISOString());
        if (round.length === 0) return fired;
        fired.push(...(await inParallel(round, this.concurrency, (row) => this.fire(row))));
      }
    });
    this.firing = run.catch(() => undefined);
    return run;
  }

  /**
   * Virtual time: moves the clock to each due deadline in turn up to `to`, firing it and waiting for its
   * effects (which may plan further deadlines) before looking for the next — the same as time passing.
   */
  async advanceTo(target: string, clock: { set(to: string | Date): void }): Promise<FiredDeadline[]> {
    // Due times are stored in UTC and compared as strings: a target with an offset must be spelled the same way.
    const to = utcInstant(target);
    const fired: FiredDeadline[] = [];
    while (this.planning.held) {
      await this.settle();
      const next = await this.nextDue(to);
      if (!next) break;
      if (Date.parse(next.due_at) > this.clock.now().getTime()) clock.set(next.due_at);
      fired.push(...(await this.fireDue()));
    }
    clock.set(to);
    fired.push(...(await this.fireDue()));
    return fired;
  }

  async pending(
    accountId?: string,
  ): Promise<Array<{ id: string; kind: DeadlineKind; dueAt: string; action: Deadline['action'] }>> {
    const rows = await this.db.all<DeadlineRow & { kind: DeadlineKind }>(
      `SELECT id, account_id, kind, due_at, action FROM ${this.deadlines()} WHERE status = 'pending' ${accountId ? 'AND account_id = $1' : ''}
       ORDER BY due_at, ord, id`,
      accountId ? [accountId] : [],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      dueAt: r.due_at,
      action: JSON.parse(r.action) as Deadline['action'],
    }));
  }

  /** The earliest due deadline of each account (up to a few hundred accounts per round). */
  private async dueRound(until: string): Promise<DeadlineRow[]> {
    const rows = await this.db.all<DeadlineRow>(
      `SELECT id, account_id, kind, due_at, action FROM ${this.deadlines()} WHERE status = 'pending' AND due_at <= $1
       ORDER BY due_at, ord, id LIMIT 2048`,
      [until],
    );
    const firstPerAccount = new Map<string, DeadlineRow>();
    for (const row of rows) {
      if (firstPerAccount.size >= 256) break;
      if (!firstPerAccount.has(row.account_id)) firstPerAccount.set(row.account_id, row);
    }
    return [...firstPerAccount.values()];
  }

  private nextDue(until: string): Promise<DeadlineRow | undefined> {
    return this.db.get<DeadlineRow>(
      `SELECT id, account_id, kind, due_at, action FROM ${this.deadlines()} WHERE status = 'pending' AND due_at <= $1
       ORDER BY due_at, ord, id LIMIT 1`,
      [until],
    );
  }

  private async fire(row: DeadlineRow): Promise<FiredDeadline> {
    const action = JSON.parse(row.action) as Deadline['action'];
    const meta = { commandId: `deadline/${row.id}`, actor: 'timeline', causationId: row.id };
    let outcome: string;
    // The metric's outcome is coarse (the deadline's own names the events): a label value per event list would not do.
    let counted: 'acted' | 'no-op' | 'rejected';
    try {
      if (action.kind === 'ledger') {
        const { command } = action;
        const result = await this.commands.execute(
          command.type === 'ExpireGrants'
            ? new ExpireGrants(row.account_id, row.due_at, meta)
            : deadlineCommand(row.account_id, row.due_at, command, meta),
        );
        outcome = result.eventTypes.length ? result.eventTypes.join(',') : 'no-op';
        counted = result.eventTypes.length ? 'acted' : 'no-op';
      } else if (action.kind === 'close-period') {
        await this.commands.execute(new ClosePeriod(row.account_id, action.periodId));
        outcome = 'closed';
        counted = 'acted';
      } else if (action.kind === 'close-final-period') {
        const result = await this.commands.execute(new CloseFinalPeriod(row.account_id, meta));
        outcome = result.eventTypes.join(',') || 'no-op';
        counted = result.eventTypes.length ? 'acted' : 'no-op';
      } else if (action.kind === 'final-refund') {
        const result = await this.commands.execute(
          new RefundRemainingBalance(row.account_id, row.due_at, meta),
        );
        outcome = result.requested ? `refund requested: ${result.balance}` : 'nothing to refund';
        counted = result.requested ? 'acted' : 'no-op';
      } else if (action.kind === 'delete-closed-account') {
        const result = await this.commands.execute(new DeleteClosedAccount(row.account_id, row.due_at, meta));
        outcome = result.eventTypes.join(',') || 'no-op';
        counted = result.eventTypes.length ? 'acted' : 'no-op';
      } else if (action.kind === 'end-document-retention') {
        const result = await this.commands.execute(new EndDocumentRetention(row.account_id, row.due_at));
        outcome = `${result.status}: ${result.reason}`;
        counted = result.status === 'destroyed' ? 'acted' : 'no-op';
      } else {
        const result = await this.commands.execute(new DeleteAccount(row.account_id, row.due_at, meta));
        outcome = result.eventTypes.join(',') || 'no-op';
        counted = result.eventTypes.length ? 'acted' : 'no-op';
      }
    } catch (error) {
      if (!(error instanceof CommandRejectedError || error instanceof NotFoundError)) {
        // Left pending: the next round fires it again.
        this.metrics?.deadlinesFired.inc({ kind: row.kind, outcome: 'error' });
        throw error;
      }
      outcome = `rejected: ${error instanceof CommandRejectedError ? error.code : 'NOT_FOUND'}`;
      counted = 'rejected';
    }
    // Fenced: an instance that lost the timelines mid-fire marks nothing (its command was idempotent). The
    // fence comes last, as in the planner's batches: both lock the deadline row before the lease row, so
    // they wait for each other instead of deadlocking.
    await this.db.transaction(async (tx) => {
      await tx.run(
        `UPDATE ${this.deadlines()} SET status = 'done', outcome = $2, fired_at = $3 WHERE id = $1`,
        [row.id, outcome, this.clock.now().toISOString()],
      );
      await this.planning.lease?.fence(tx);
    });
    const fired = { id: row.id, dueAt: row.due_at, outcome };
    this.metrics?.deadlinesFired.inc({ kind: row.kind, outcome: counted });
    this.fired.push(fired);
    return fired;
  }
}

/** Runs `work` over `items` with at most `limit` at a time; results in the items' order. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
