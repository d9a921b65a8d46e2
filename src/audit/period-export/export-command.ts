/**
 * `npm run audit -- export-period <issuerId> <periodId> <file>`: writes the auditor's export of a period
 * (period-export.ts) to `file`, with the latest signed checkpoint of the log when the anchor has one. The
 * auditor verifies it offline with `node scripts/verify-audit-export.mjs <file> --public-key <pem>`.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { SystemClock } from '../../platform/clock/clock.js';
import type { AnchorConfig, AppConfig } from '../../platform/config/config.js';
import { loadAnchorKeys } from '../../platform/event-store/anchor/anchor-keys.js';
import type { EventStore } from '../../platform/event-store/event-store.port.js';
import type { PersonalDataVault } from '../../platform/personal-data/personal-data-vault.js';
import { documentServices, openAuditDependencies } from '../audit-dependencies.js';
import { streamWriter } from '../derivation-output.js';
import { exportPeriod, type ExportedCheckpoint } from './period-export.js';
import { CatalogBook } from '../../ledger/catalog/catalog-book.js';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The anchor's latest signed checkpoint as stored, with the public key that verifies it; null without one. */
export function latestSignedCheckpoint(anchorConfig: AnchorConfig): ExportedCheckpoint | null {
  if (!existsSync(anchorConfig.db)) return null;
  const db = new DatabaseSync(anchorConfig.db, { readOnly: true });
  try {
    const row = db.prepare('SELECT * FROM signed_checkpoints ORDER BY number DESC LIMIT 1').get() as
      Omit<ExportedCheckpoint, 'publicKey'> | undefined;
    if (!row) return null;
    const keys = loadAnchorKeys(anchorConfig, { forSigning: false });
    return { ...row, publicKey: keys.verifying.export({ type: 'spki', format: 'pem' }).toString() };
  } finally {
    db.close();
  }
}

export async function runExport(
  store: EventStore,
  config: AppConfig,
  anchorConfig: AnchorConfig,
  issuer: string,
  periodId: string,
  file: string,
  options: { vault?: PersonalDataVault } = {},
): Promise<number> {
  if (!PERIOD.test(periodId)) {
    console.error(`periodId must be a month as YYYY-MM, got "${periodId}"`);
    return 2;
  }
  const opened = openAuditDependencies(config);
  const deps = options.vault ? { ...opened, vault: options.vault } : opened;
  const out = createWriteStream(file, { mode: 0o600 });
  try {
    const writer = streamWriter(out);
    // Derivations re-rate usage: with the price-list versions the log holds, as the ledger rated it.
    await new CatalogBook(store, new SystemClock(), deps.catalog).refresh();
    const { derivations } = documentServices(store, new SystemClock(), deps);
    const checkpoint = latestSignedCheckpoint(anchorConfig);
    const result = await exportPeriod(
      store,
      derivations,
      issuer,
      periodId,
      (line) => writer.write(line),
      checkpoint,
    );
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    console.log(
      JSON.stringify({ file, issuer, periodId, ...result, checkpoint: checkpoint?.number ?? null }),
    );
    if (!checkpoint) console.error('No signed checkpoint: the export carries no signature to verify against');
    return 0;
  } finally {
    opened.vault.close();
  }
}
