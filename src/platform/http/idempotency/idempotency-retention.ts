import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { IdempotencyStore } from './idempotency-store.js';

export const IDEMPOTENCY_RETENTION_DAYS = Symbol('IDEMPOTENCY_RETENTION_DAYS');
const DAY_MS = 86_400_000;
const SWEEP_EVERY_MS = 3_600_000;

/**
 * The idempotency records' retention policy: answered records older than IDEMPOTENCY_RETENTION_DAYS are
 * deleted at start and hourly (the records' own timestamps are wall-clock instants, so the sweep uses the
 * wall clock, not the billing clock). Config refuses a retention within the effective-time window.
 */
@Injectable()
export class IdempotencyRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly log = new Logger('IdempotencyRetention');

  constructor(
    private readonly store: IdempotencyStore,
    @Inject(IDEMPOTENCY_RETENTION_DAYS) private readonly retentionDays: number,
  ) {}

  /** Deletes what the policy no longer keeps, as of `now`; returns how many records went. */
  sweep(now = Date.now()): Promise<number> {
    return this.store.prune(new Date(now - this.retentionDays * DAY_MS).toISOString());
  }

  onApplicationBootstrap(): void {
    const run = () =>
      this.sweep().catch((error: unknown) =>
        this.log.warn(`idempotency retention sweep failed: ${(error as Error).message}`),
      );
    void run();
    this.timer = setInterval(run, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
