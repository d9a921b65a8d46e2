import type { PolicyProfile } from '../policies/policy-profile.js';
import type { Currency, Region, Residency } from './account-events.js';
import { accountCurrency, REGIONS } from './open-account.js';

/** What a person choosing a policy profile for an account needs to see of it (GET /v1/profiles). */
export interface ProfileOverview {
  id: string;
  /** The latest version: new accounts and contract changes get it. */
  version: number;
  versions: number[];
  name: string;
  payerTypes: PolicyProfile['appliesTo']['payerTypes'];
  paymentScheme: PolicyProfile['appliesTo']['paymentScheme'];
  residency: Residency[];
  /** Where it can be used and the account currency that follows (§1): region × residency. */
  availableIn: Array<{ region: Region; residency: Residency; currency: Currency }>;
  creditLimitAllowed: boolean;
  /** Days to pay a period bill, and a mid-period bill (when the credit runs out). */
  billTermDays: number;
  midPeriodBillTermDays: number;
  periodBills: boolean;
  /** Minimum top-up per currency, decimal strings. */
  minimumTopUp: PolicyProfile['minimumTopUp'];
  /** What happens when the money runs out: frozen below zero (first provider) or suspended (second). */
  freezes: boolean;
  suspends: boolean;
  whenBillOverdue: PolicyProfile['billing']['whenOverdue'];
  closingDocuments: PolicyProfile['documents']['closing'];
  trial: boolean;
  autoTopUp: boolean;
}

/**
 * One overview per profile id, at its latest version, in id order; `versions` lists every version known
 * (accounts keep the version they were opened or changed with).
 */
export function profileOverviews(profiles: readonly PolicyProfile[]): ProfileOverview[] {
  const byId = new Map<string, PolicyProfile[]>();
  for (const profile of profiles) byId.set(profile.id, [...(byId.get(profile.id) ?? []), profile]);
  return [...byId.keys()].sort().map((id) => {
    const versions = byId.get(id)!.sort((a, b) => a.version - b.version);
    return overviewOf(
      versions.at(-1)!,
      versions.map((p) => p.version),
    );
  });
}

function overviewOf(profile: PolicyProfile, versions: number[]): ProfileOverview {
  const { appliesTo, billing } = profile;
  return {
    id: profile.id,
    version: profile.version,
    versions,
    name: profile.description,
    payerTypes: appliesTo.payerTypes,
    paymentScheme: appliesTo.paymentScheme,
    residency: appliesTo.residency,
    availableIn: (Object.keys(REGIONS) as Region[]).flatMap((region) =>
      appliesTo.residency.map((residency) => ({
        region,
        residency,
        currency: accountCurrency(region, residency),
      })),
    ),
    creditLimitAllowed: billing.creditLimitAllowed,
    billTermDays: billing.billDueDays,
    midPeriodBillTermDays: billing.midPeriodBillDueDays,
    periodBills: billing.issuePeriodBills,
    minimumTopUp: profile.minimumTopUp,
    freezes: profile.freeze.enabled,
    suspends: profile.suspension.enabled,
    whenBillOverdue: billing.whenOverdue,
    closingDocuments: profile.documents.closing,
    trial: profile.trial?.enabled ?? false,
    autoTopUp: profile.autoTopUp?.enabled ?? false,
  };
}
