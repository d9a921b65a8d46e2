/** Test data for the document specs: issuers, accounts of every kind, profiles and closed periods. */
import type { AccountFacts, LegalDetails } from '../account/account-events.js';
import type { LedgerEventOf, ServiceTotals, SkuTotals } from '../ledger/ledger-events.js';
import type { PolicyProfile } from '../policies/policy-profile.js';
import { BUILT_IN_PROFILES } from '../policies/profiles.js';
import { Decimal, toPlainString } from '../shared/decimal.js';
import type { DocumentAccount, IssuerDetails } from './document-types.js';

export type PeriodClosedData = LedgerEventOf<'PeriodClosed'>['data'];

export const RU_ISSUER: IssuerDetails = {
  id: 'ru-moscow-llc',
  name: 'VK LLC',
  taxId: '7707049388',
  kpp: '770701001',
  address: 'Moscow, Leningradsky prospekt 39',
  bank: {
    bankName: 'Bank',
    accountNumber: '40702810000000000001',
    bik: '044525225',
    correspondentAccount: '30101810400000000225',
  },
};

export const KZ_ISSUER: IssuerDetails = {
  id: 'kz-llp',
  name: 'QazCloud LLP',
  taxId: '940140000385',
  address: 'Astana, Mangilik El 55',
};

export const RU_CUSTOMER: LegalDetails = {
  name: 'Romashka LLC',
  taxId: '7707083893',
  kpp: '773601001',
  address: 'Moscow, Vavilova 19',
};

export const KZ_CUSTOMER: LegalDetails = {
  name: 'Dala LLP',
  taxId: '971240001315',
  address: 'Almaty, Abaya 1',
};

export const FOREIGN_CUSTOMER: LegalDetails = {
  name: 'Acme GmbH',
  taxId: 'DE123456789',
  address: 'Berlin, Unter den Linden 1',
};

export function profile(id: string, overrides: Partial<PolicyProfile> = {}): PolicyProfile {
  const found = BUILT_IN_PROFILES.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no built-in profile ${id}`);
  return { ...found, ...overrides };
}

/** A built-in profile with some document policies replaced. */
export function withDocuments(id: string, documents: Partial<PolicyProfile['documents']>): PolicyProfile {
  const base = profile(id);
  return { ...base, documents: { ...base.documents, ...documents } };
}

export function ruLegal(
  facts: Partial<AccountFacts> = {},
  /** null: no additional registration. */
  legalDetails: LegalDetails | null = RU_CUSTOMER,
): DocumentAccount {
  return {
    facts: {
      accountId: 'acc-ru',
      payerType: 'legal-entity',
      region: 'ru-moscow',
      residency: 'resident',
      contract: 'individual-contract',
      paymentScheme: 'postpaid',
      edm: false,
      currency: 'RUB',
      issuer: 'ru-moscow-llc',
      timeZone: 'Europe/Moscow',
      profileId: 'yc-legal-credit',
      profileVersion: 1,
      openedAt: '2025-06-01T09:00:00.000Z',
      openingPeriodId: '2025-06',
      ...facts,
    },
    ...(legalDetails ? { legalDetails } : {}),
  };
}

export function kzLegal(facts: Partial<AccountFacts> = {}): DocumentAccount {
  return ruLegal(
    {
      accountId: 'acc-kz',
      region: 'kz',
      currency: 'KZT',
      issuer: 'kz-llp',
      timeZone: 'Asia/Almaty',
      ...facts,
    },
    KZ_CUSTOMER,
  );
}

export function nonResident(facts: Partial<AccountFacts> = {}): DocumentAccount {
  return ruLegal(
    { accountId: 'acc-nr', residency: 'non-resident', currency: 'USD', ...facts },
    FOREIGN_CUSTOMER,
  );
}

export function individual(facts: Partial<AccountFacts> = {}): DocumentAccount {
  return ruLegal(
    {
      accountId: 'acc-person',
      payerType: 'individual',
      contract: 'public-offer',
      paymentScheme: 'prepaid',
      profileId: 'vk-individual-prepaid',
      ...facts,
    },
    null,
  );
}

export function service(
  name: string,
  consumption: string,
  fromGrants = '0',
  category = 'compute',
): ServiceTotals {
  const fromBalance = toPlainString(new Decimal(consumption).minus(fromGrants));
  return { service: name, category, consumption, fromGrants, fromBalance };
}

export function periodClosed(
  overrides: Partial<PeriodClosedData> & { byService?: ServiceTotals[] } = {},
): PeriodClosedData {
  const byService = overrides.byService ?? [];
  const sum = (pick: (s: ServiceTotals) => string) =>
    toPlainString(byService.reduce((total, s) => total.plus(pick(s)), new Decimal('0')));
  // Unless given, the closing balance follows from the rest: opening + deposits − spent − penalties.
  const closingBalance = toPlainString(
    new Decimal(overrides.openingBalance ?? '0')
      .plus(overrides.deposits ?? '0')
      .minus(overrides.spentFromBalance ?? sum((s) => s.fromBalance))
      .minus(overrides.penalties ?? '0'),
  );
  return {
    periodId: '2026-03',
    closedAt: '2026-03-31T21:00:00.000Z',
    openingBalance: '0',
    closingBalance,
    deposits: '0',
    documentEligibleDeposits: '0',
    grantsUsed: sum((s) => s.fromGrants),
    grantsExpired: '0',
    consumption: sum((s) => s.consumption),
    spentFromBalance: sum((s) => s.fromBalance),
    penalties: '0',
    byService,
    carried: {
      balance: '0',
      creditLimit: '0',
      grants: [],
      status: 'active',
      statusSince: '2026-03-01T00:00:00.000Z',
      everPaid: false,
      openBills: [],
    },
    ...overrides,
  };
}

/** One SKU's totals for a close (issue 13); paid from the balance by bank transfer unless grants paid a part. */
export function skuTotal(
  sku: string,
  serviceName: string,
  quantity: string,
  consumption: string,
  fromGrants = '0',
  category = 'compute',
): SkuTotals {
  const fromBalance = toPlainString(new Decimal(consumption).minus(fromGrants));
  return {
    sku,
    service: serviceName,
    category,
    unit: 'unit',
    quantity,
    consumption,
    fromGrants,
    fromBalance,
    fromBalanceBy: new Decimal(fromBalance).gt(new Decimal('0'))
      ? [{ source: 'bank-transfer', amount: fromBalance }]
      : [],
  };
}

/** A close with per-SKU totals and the per-service totals the ledger would record with them. */
export function periodClosedBySku(
  bySku: SkuTotals[],
  overrides: Partial<PeriodClosedData> = {},
): PeriodClosedData {
  const services = new Map<string, ServiceTotals>();
  for (const s of bySku) {
    const before = services.get(s.service);
    const add = (a: string | undefined, b: string) => toPlainString(new Decimal(a ?? '0').plus(b));
    const fromBalanceBy = [...(before?.fromBalanceBy ?? [])];
    for (const part of s.fromBalanceBy) {
      const same = fromBalanceBy.findIndex((p) => p.source === part.source);
      if (same < 0) fromBalanceBy.push({ ...part });
      else
        fromBalanceBy[same] = { source: part.source, amount: add(fromBalanceBy[same]!.amount, part.amount) };
    }
    services.set(s.service, {
      service: s.service,
      category: before?.category ?? s.category,
      consumption: add(before?.consumption, s.consumption),
      fromGrants: add(before?.fromGrants, s.fromGrants),
      fromBalance: add(before?.fromBalance, s.fromBalance),
      fromBalanceBy,
    });
  }
  const byService = [...services.values()].sort((a, b) => a.service.localeCompare(b.service));
  // In the ledger's order: service, then SKU.
  const ordered = [...bySku].sort((a, b) => a.service.localeCompare(b.service) || a.sku.localeCompare(b.sku));
  return periodClosed({ byService, bySku: ordered, ...overrides });
}
