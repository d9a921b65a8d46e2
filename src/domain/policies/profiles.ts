import type { PolicyProfile } from './policy-profile.js';

const STORAGE_LIKE = ['storage', 'object-storage', 'network-address'];

const vkBase = {
  freeze: {
    enabled: true,
    when: 'below-zero',
    deleteObjectsAfterDays: { neverPaid: 3, paidBefore: 7 },
    objectStorage: { blockAfterDays: 30, deleteAfterBlockedDays: 7 },
  },
  suspension: {
    enabled: false,
    when: 'at-or-below-zero',
    suspendAfterDays: 0,
    noticeDaysBefore: [],
    deleteAfterDays: 60,
  },
  penalties: { model: 'none' },
  rounding: { mode: 'half-up', subMinorChargesRoundUp: true },
  vat: { midMonthChange: 'act-date' },
  grants: { order: 'object-type-first-then-account' },
  minimumTopUp: { RUB: '10', KZT: '100', USD: '1' },
  chargedWhileStopped: STORAGE_LIKE,
  // Card auto top-up: threshold 0–9 999 999 RUB, amount 100–10 000 RUB; KZT and USD by the same ratios.
  autoTopUp: {
    enabled: true,
    limits: {
      RUB: { maxThreshold: '9999999', minAmount: '100', maxAmount: '10000' },
      KZT: { maxThreshold: '49999999', minAmount: '500', maxAmount: '50000' },
      USD: { maxThreshold: '99999', minAmount: '1', maxAmount: '100' },
    },
    retry: { maxAttempts: 3, spacingMinutes: 60 },
  },
} as const satisfies Partial<PolicyProfile>;

const ycBase = {
  freeze: { ...vkBase.freeze, enabled: false },
  suspension: {
    enabled: true,
    when: 'at-or-below-zero',
    suspendAfterDays: 7,
    noticeDaysBefore: [7, 3, 0],
    deleteAfterDays: 60,
  },
  penalties: {
    model: 'percent-per-day',
    ratePercent: '0.1',
    cap: { percentOfDebt: '10' },
    startsAt: 'suspension',
  },
  rounding: { mode: 'half-up', subMinorChargesRoundUp: false },
  vat: { midMonthChange: 'act-date' },
  grants: { order: 'earliest-expiry' },
  minimumTopUp: { RUB: '10', KZT: '60', USD: '1' },
  chargedWhileStopped: STORAGE_LIKE,
} as const satisfies Partial<PolicyProfile>;

/** Bills are due 14 days after the period, or 2 days after a mid-period bill, unless a profile says otherwise. */
const billing = (
  terms: Pick<PolicyProfile['billing'], 'issuePeriodBills' | 'creditLimitAllowed' | 'whenOverdue'>,
) => ({
  billDueDays: 14,
  midPeriodBillDueDays: 2,
  ...terms,
});

/** The built-in profiles; ops add more as JSON files validated by parsePolicyProfile. */
export const BUILT_IN_PROFILES: readonly PolicyProfile[] = [
  {
    id: 'vk-individual-prepaid',
    version: 1,
    description: 'First provider, individuals: prepaid, frozen below zero, no accounting documents.',
    appliesTo: { payerTypes: ['individual'], paymentScheme: 'prepaid', residency: ['resident'] },
    ...vkBase,
    billing: billing({ issuePeriodBills: false, creditLimitAllowed: false, whenOverdue: 'nothing' }),
    documents: {
      closing: 'none',
      advanceVatInvoice: false,
      actBasis: 'spent-from-balance',
      eligibleChannels: [],
    },
  },
  {
    id: 'vk-legal-prepaid',
    version: 1,
    description:
      'First provider, legal entities on the public offer: prepaid, frozen below zero, UPD monthly.',
    appliesTo: {
      payerTypes: ['legal-entity', 'sole-proprietor'],
      paymentScheme: 'prepaid',
      residency: ['resident'],
    },
    ...vkBase,
    billing: billing({ issuePeriodBills: false, creditLimitAllowed: false, whenOverdue: 'nothing' }),
    documents: {
      closing: 'upd-status-1',
      advanceVatInvoice: true,
      actBasis: 'spent-from-balance',
      // Card top-ups are excluded from legal entities' UPD and reconciliation report.
      eligibleChannels: ['bank-transfer'],
    },
  },
  {
    id: 'vk-legal-postpaid',
    version: 1,
    description: 'First provider, legal entities with an individual contract: billed monthly, never frozen.',
    appliesTo: {
      payerTypes: ['legal-entity', 'sole-proprietor'],
      paymentScheme: 'postpaid',
      residency: ['resident'],
    },
    ...vkBase,
    freeze: { ...vkBase.freeze, enabled: false },
    autoTopUp: { ...vkBase.autoTopUp, enabled: false },
    billing: billing({ issuePeriodBills: true, creditLimitAllowed: false, whenOverdue: 'nothing' }),
    documents: {
      closing: 'upd-status-1',
      advanceVatInvoice: false,
      actBasis: 'spent-from-balance',
      eligibleChannels: ['bank-transfer'],
    },
  },
  {
    id: 'yc-legal-prepaid',
    version: 1,
    description:
      'Second provider, legal entities without credit: suspended when funds run out, deleted 60 days later.',
    appliesTo: {
      payerTypes: ['legal-entity', 'sole-proprietor'],
      paymentScheme: 'prepaid',
      residency: ['resident', 'non-resident'],
    },
    ...ycBase,
    billing: {
      ...billing({ issuePeriodBills: false, creditLimitAllowed: false, whenOverdue: 'suspend' }),
      bankTransferBills: true,
    },
    documents: {
      closing: 'act-and-vat-invoice',
      advanceVatInvoice: false,
      actBasis: 'spent-from-balance',
      eligibleChannels: ['bank-transfer', 'card'],
    },
  },
  {
    id: 'yc-legal-credit',
    version: 1,
    description:
      'Second provider, legal entities with a credit limit: billed at period end or when the limit runs out.',
    appliesTo: {
      payerTypes: ['legal-entity', 'sole-proprietor'],
      paymentScheme: 'postpaid',
      residency: ['resident', 'non-resident'],
    },
    ...ycBase,
    billing: {
      ...billing({ issuePeriodBills: true, creditLimitAllowed: true, whenOverdue: 'suspend' }),
      bankTransferBills: true,
    },
    documents: {
      closing: 'act-and-vat-invoice',
      advanceVatInvoice: false,
      actBasis: 'spent-from-balance',
      eligibleChannels: ['bank-transfer', 'card'],
    },
  },
  {
    id: 'yc-trial',
    version: 1,
    description:
      'Second provider, trial: consumption from the start grant only; when it is used up or expires, suspended unless upgraded, deleted 60 days later.',
    appliesTo: {
      payerTypes: ['individual', 'legal-entity', 'sole-proprietor'],
      paymentScheme: 'prepaid',
      residency: ['resident', 'non-resident'],
    },
    ...ycBase,
    penalties: { model: 'none' },
    billing: billing({ issuePeriodBills: false, creditLimitAllowed: false, whenOverdue: 'nothing' }),
    documents: {
      closing: 'none',
      advanceVatInvoice: false,
      actBasis: 'spent-from-balance',
      eligibleChannels: [],
    },
    trial: { enabled: true },
  },
];
