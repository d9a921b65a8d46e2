/**
 * `npm run audit -- recompute <accountId> <periodId>`: the period's documents rebuilt from the log in a scratch
 * store and compared with what was issued (the log's DocumentIssued events and, when it serves, the read
 * model). Prints one JSON line per difference and a summary; a difference is an incident: a log line on stderr
 * (`AUDIT_RECOMPUTE_MISMATCH`) and exit code 1. With `--metrics-file <path>` it also writes the number of
 * differences and the run's time in the Prometheus text format, for node_exporter's textfile collector.
 */
import { accountDocuments } from '../../../projections/queries/documents.query.js';
import { documentsProjection } from '../../../projections/documents.projection.js';
import { ReadModels } from '../../../projections/queries/read-models.js';
import { loadProjectionsConfig, openReadModelDb } from '../../ops/projections/projections-runtime.js';
import { ConfigError, type AppConfig } from '../../platform/config/config.js';
import type { EventStore } from '../../platform/event-store/event-store.port.js';
import type { PersonalDataVault } from '../../platform/personal-data/personal-data-vault.js';
import { openAuditDependencies } from '../audit-dependencies.js';
import { CatalogBook } from '../../ledger/catalog/catalog-book.js';
import { SystemClock } from '../../platform/clock/clock.js';
import { writeRecomputeMetrics } from './recompute-metrics.js';
import {
  compareDocuments,
  issuedInLog,
  recomputePeriodDocuments,
  type DocumentDifference,
} from './recompute.js';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export async function runRecompute(
  store: EventStore,
  config: AppConfig,
  accountId: string,
  periodId: string,
  options: {
    env?: NodeJS.ProcessEnv;
    vault?: PersonalDataVault;
    metricsFile?: string;
    now?: () => Date;
  } = {},
): Promise<number> {
  const env = options.env ?? process.env;
  if (!PERIOD.test(periodId)) {
    console.error(`periodId must be a month as YYYY-MM, got "${periodId}"`);
    return 2;
  }
  // The service's vault (its master key): the account's requisites are sealed in it.
  const opened = openAuditDependencies(config);
  const deps = options.vault ? { ...opened, vault: options.vault } : opened;
  try {
    // The price-list versions the log holds (as the ledger rated with them), like the period export.
    await new CatalogBook(store, new SystemClock(), deps.catalog).refresh();
    const { documents, withheld } = await recomputePeriodDocuments(store, accountId, periodId, deps);
    const differences: DocumentDifference[] = compareDocuments(
      'log',
      documents,
      await issuedInLog(store, accountId, periodId),
    );
    let readModel = 'not configured';
    try {
      const projections = loadProjectionsConfig(config.dataDir, env);
      const db = openReadModelDb(projections.readModelDb);
      try {
        const read = await new ReadModels(store, db, { waitMs: 0 }).read(
          'account-documents',
          documentsProjection,
          accountDocuments(accountId),
        );
        if (read.served && read.value) {
          readModel = 'compared';
          differences.push(
            ...compareDocuments(
              'read-model',
              documents,
              read.value.filter((d) => d.periodId === periodId),
            ),
          );
        } else readModel = read.served ? 'no documents' : `not served: ${read.reason}`;
      } finally {
        await db.close();
      }
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      readModel = `not read: ${(error as Error).message}`;
    }
    for (const difference of differences) console.log(JSON.stringify(difference));
    console.log(
      JSON.stringify({
        accountId,
        periodId,
        recomputed: documents.map((d) => d.documentId),
        withheld,
        readModel,
        differences: differences.length,
      }),
    );
    if (options.metricsFile)
      await writeRecomputeMetrics(options.metricsFile, {
        accountId,
        periodId,
        differences: differences.length,
        finishedAt: (options.now ?? (() => new Date()))(),
      });
    if (differences.length > 0) {
      console.error(
        `AUDIT_RECOMPUTE_MISMATCH account=${accountId} period=${periodId} differences=${differences.length}: ` +
          'the issued documents differ from the ones the log gives (an incident: see the JSON lines above)',
      );
      return 1;
    }
    return 0;
  } finally {
    opened.vault.close();
  }
}
