/**
 * The price list as data: the catalog stream holds every published version, and a price change is a new
 * version, never an edit (business-rules.md#the-price-list). This decider guards a publication; the
 * ledger's rating reads the versions the stream holds.
 */
import { PriceCatalog, validateCatalog, type CatalogIssue, type CatalogVersion } from './catalog.js';
import { instantNanos } from './decimal.js';
import { reject, type DecisionOf } from '../shared/decision.js';

export interface CatalogVersionPublished {
  type: 'CatalogVersionPublished';
  data: {
    version: CatalogVersion;
    /** When it was published (the engine's clock); the version takes effect at its own effectiveFrom. */
    publishedAt: string;
    /** True for the versions a fresh store is seeded with on first start. */
    seeded?: boolean;
  };
}

export type CatalogEvent = CatalogVersionPublished;

export interface PublishCatalogVersion {
  type: 'PublishCatalogVersion';
  version: CatalogVersion;
  /** The engine's clock: a version may be scheduled ahead, never back-dated. */
  now: string;
}

/** Seeds an empty catalog stream with the versions the engine shipped with (no timing rules apply). */
export interface SeedCatalog {
  type: 'SeedCatalog';
  versions: readonly CatalogVersion[];
  now: string;
}

export type CatalogCommand = PublishCatalogVersion | SeedCatalog;

export interface CatalogState {
  /** Every published version, in publication order. */
  readonly versions: readonly CatalogVersion[];
}

export const initialCatalogState = (): CatalogState => ({ versions: [] });

export function evolveCatalog(state: CatalogState, event: CatalogEvent): CatalogState {
  return { versions: [...state.versions, event.data.version] };
}

export const CATALOG_REJECTIONS = {
  invalid: 'CATALOG_VERSION_INVALID',
  versionTaken: 'CATALOG_VERSION_ID_TAKEN',
  inThePast: 'CATALOG_VERSION_IN_THE_PAST',
  notAfterLatest: 'CATALOG_VERSION_NOT_AFTER_LATEST',
  notEmpty: 'CATALOG_ALREADY_SEEDED',
} as const;

export function decideCatalog(command: CatalogCommand, state: CatalogState): DecisionOf<CatalogEvent> {
  if (command.type === 'SeedCatalog') {
    // Seeding happens once; a second instance starting at the same time finds the stream taken.
    if (state.versions.length > 0) return { ok: true, events: [], duplicate: true };
    return {
      ok: true,
      events: command.versions.map((version) => ({
        type: 'CatalogVersionPublished',
        data: { version: structuredClone(version), publishedAt: command.now, seeded: true },
      })),
    };
  }
  return decidePublish(command, state);
}

function decidePublish(command: PublishCatalogVersion, state: CatalogState): DecisionOf<CatalogEvent> {
  const { version, now } = command;
  const issues = versionIssues(version);
  if (issues.length > 0) {
    const [first] = issues as [CatalogIssue];
    return reject(CATALOG_REJECTIONS.invalid, `${first.path}: ${first.message}`, first.path);
  }
  const existing = state.versions.find((published) => published.version === version.version);
  if (existing !== undefined) {
    // A retry of the same publication stores nothing; different contents under a taken id would be an edit.
    if (sameVersion(existing, version)) return { ok: true, events: [], duplicate: true };
    return reject(
      CATALOG_REJECTIONS.versionTaken,
      `version "${version.version}" is already published with other contents: publish a new version instead of editing one`,
      'version',
    );
  }
  const effective = instantNanos(version.effectiveFrom) as bigint;
  // Usage up to now is already rated by the version then in force; a back-dated version would make the
  // stored charges disagree with a re-rating (the audit's derivations) of the same usage.
  if (effective < (instantNanos(now) as bigint)) {
    return reject(
      CATALOG_REJECTIONS.inThePast,
      `effectiveFrom ${version.effectiveFrom} lies before now (${now}): a version may be scheduled ahead, never back-dated`,
      'effectiveFrom',
    );
  }
  const latest = latestVersion(state.versions);
  if (latest !== undefined && effective <= (instantNanos(latest.effectiveFrom) as bigint)) {
    return reject(
      CATALOG_REJECTIONS.notAfterLatest,
      `effectiveFrom must lie after the latest version's (${latest.version}, ${latest.effectiveFrom})`,
      'effectiveFrom',
    );
  }
  return {
    ok: true,
    events: [
      { type: 'CatalogVersionPublished', data: { version: structuredClone(version), publishedAt: now } },
    ],
  };
}

/**
 * The issues of one version as a publication sees them, with paths relative to the version
 * (`skus[2].pricing.tiers[1].upTo`). Beyond the catalog's rules, a published SKU must carry its Russian
 * name and unit with its OKEI code: documents print them.
 */
export function versionIssues(version: unknown): CatalogIssue[] {
  if (typeof version !== 'object' || version === null || Array.isArray(version)) {
    return [{ path: 'version', message: 'must be an object' }];
  }
  const issues = validateCatalog([version as CatalogVersion]).map((issue) => ({
    ...issue,
    path: relativePath(issue.path),
  }));
  const skus = (version as CatalogVersion).skus;
  if (Array.isArray(skus)) {
    skus.forEach((sku, index) => {
      if (typeof sku !== 'object' || sku === null) return;
      if (sku.nameRu === undefined) issues.push({ path: `skus[${index}].nameRu`, message: 'is required' });
      if (sku.unitRu === undefined) issues.push({ path: `skus[${index}].unitRu`, message: 'is required' });
    });
  }
  return issues;
}

/** `versions[0]("2026.1").skus[1]("compute.vcpu.hour"/RUB).pricing` → `skus[1].pricing`. */
function relativePath(path: string): string {
  const plain = path.replace(/\("[^"]*"(?:\/[^)]*)?\)/g, '');
  if (plain === 'versions' || plain === 'versions[0]') return 'version';
  return plain.replace(/^versions\[0\]\./, '');
}

function latestVersion(versions: readonly CatalogVersion[]): CatalogVersion | undefined {
  let latest: CatalogVersion | undefined;
  for (const version of versions) {
    if (latest === undefined || instantNanos(version.effectiveFrom)! > instantNanos(latest.effectiveFrom)!) {
      latest = version;
    }
  }
  return latest;
}

function sameVersion(a: CatalogVersion, b: CatalogVersion): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The catalog the published versions make, for rating and reading. */
export const catalogOf = (state: CatalogState): PriceCatalog => PriceCatalog.create(state.versions);
