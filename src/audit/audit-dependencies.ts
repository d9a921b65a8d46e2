/**
 * What the audit commands need besides the store, opened from the service's configuration: its vault (the
 * accounts' requisites are sealed with its master key), its policy profiles and the price catalog — and the
 * document services built on them over any store (the log, or a scratch copy), without the application.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccountBook } from '../accounts/account-book.js';
import { DocumentRetention } from '../documents/document-retention.js';
import { DocumentService } from '../documents/document-service.js';
import { ProfileRegistry } from '../domain/policies/profile-registry.js';
import { AccountPricingBook } from '../ledger/account-pricing-book.js';
import { LedgerBook } from '../ledger/ledger-book.js';
import { PriceCatalogProvider } from '../ledger/price-catalog.provider.js';
import type { Clock } from '../platform/clock/clock.js';
import type { AppConfig } from '../platform/config/config.js';
import type { EventStore } from '../platform/event-store/event-store.port.js';
import type { PersonalDataVault } from '../platform/personal-data/personal-data-vault.js';
import { openPersonalDataVault, personalDataVaultLocation } from '../platform/personal-data/open-vault.js';
import { developmentMasterKey } from '../platform/secrets/master-key.js';
import { DocumentDerivations } from './document-derivation/document-derivations.js';

export interface AuditDependencies {
  readonly vault: PersonalDataVault;
  readonly profiles: ProfileRegistry;
  readonly catalog: PriceCatalogProvider;
}

export function openAuditDependencies(
  config: AppConfig,
  env: NodeJS.ProcessEnv = process.env,
): AuditDependencies {
  const setting = config.personalDataMasterKey;
  const masterKey = setting.kind === 'given' ? setting.key : developmentMasterKey(setting.path).key;
  const profiles = new ProfileRegistry();
  if (config.policyProfilesDir)
    for (const file of readdirSync(config.policyProfilesDir)
      .filter((f) => f.endsWith('.json'))
      .sort())
      profiles.add(JSON.parse(readFileSync(join(config.policyProfilesDir, file), 'utf8')));
  return {
    // The service's own vault, wherever it lives (its file, or the PostgreSQL its instances share).
    vault: openPersonalDataVault(personalDataVaultLocation(config.dataDir, env), masterKey, config.dataDir)
      .vault,
    profiles,
    catalog: new PriceCatalogProvider(),
  };
}

/** The books and the document services over `store`, as the application wires them. */
export function documentServices(store: EventStore, clock: Clock, deps: AuditDependencies) {
  const accounts = new AccountBook(store, clock, deps.vault);
  const pricing = new AccountPricingBook(store, clock, deps.catalog);
  const ledger = new LedgerBook(store, clock, accounts, deps.profiles, deps.catalog, pricing);
  const documents = new DocumentService(
    store,
    clock,
    accounts,
    ledger,
    new DocumentRetention(deps.vault, accounts),
  );
  return {
    accounts,
    ledger,
    documents,
    derivations: new DocumentDerivations(store, accounts, ledger, documents, deps.catalog),
  };
}
