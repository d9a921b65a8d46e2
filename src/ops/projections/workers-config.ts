import { join } from 'node:path';
import { ConfigError, loadDeliveryConfig, readerOf } from '../../platform/config/config.js';
import { emailDeliveryStatus } from '../../delivery/delivery-runtime.js';
import type { LeaseOptions } from '../../../projections/runner/leased-runner.js';

/** The checkpointed consumers that act rather than build tables; each runs on one instance at a time. */
export type WorkerName =
  'timelines' | 'documents' | 'event-bus' | 'auto-top-ups' | 'document-delivery' | 'refund-payouts';

export interface WorkersConfig {
  /** A SQLite file path or a postgres:// URL per worker; each worker opens its own connection. */
  databases: Record<WorkerName, string>;
  lease: LeaseOptions;
  /** What ops status says about a worker besides its progress (e.g. e-mail delivery disabled). */
  notes?: Partial<Record<WorkerName, string[]>>;
}

const isPostgres = (target: string) => /^postgres(ql)?:\/\//.test(target);

/**
 * WORKERS_DB: where the timelines, the document issuer, the auto top-up worker and the event-bus feed keep
 * their checkpoints and
 * leases. A postgres:// URL is shared by every instance (one of them runs each worker); by default it is
 * READ_MODEL_DB when that is PostgreSQL, else one SQLite file per worker in DATA_DIR (their transactions
 * wait on event store appends or handlers, so they must not hold the read models' single connection).
 */
export function loadWorkersConfig(
  dataDir: string,
  readModelDb: string,
  lease: LeaseOptions,
  env: NodeJS.ProcessEnv = process.env,
): WorkersConfig {
  const problems: string[] = [];
  const configured = readerOf(env, problems)('WORKERS_DB');
  if (problems.length > 0) throw new ConfigError(problems);
  const shared = configured || (isPostgres(readModelDb) ? readModelDb : undefined);
  return {
    databases: shared
      ? {
          timelines: shared,
          documents: shared,
          'event-bus': shared,
          'auto-top-ups': shared,
          'document-delivery': shared,
          'refund-payouts': shared,
        }
      : {
          timelines: join(dataDir, 'timelines.sqlite'),
          documents: join(dataDir, 'documents.sqlite'),
          'event-bus': join(dataDir, 'event-bus.sqlite'),
          'auto-top-ups': join(dataDir, 'auto-top-ups.sqlite'),
          'document-delivery': join(dataDir, 'document-delivery.sqlite'),
          'refund-payouts': join(dataDir, 'refund-payouts.sqlite'),
        },
    lease,
    notes: { 'document-delivery': [`e-mail ${emailDeliveryStatus(loadDeliveryConfig(env))}`] },
  };
}
