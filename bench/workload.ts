// The workload every engine benchmark sends: a mix of real account kinds and real catalog SKUs.
import type { OpenAccountCommand } from '../src/domain/account/open-account.js';
import type { LedgerCommand } from '../src/domain/ledger/ledger-commands.js';

export interface Month {
  id: string;
  /** Day d (1-based) of the month, at noon UTC: inside the month in every account's time zone. */
  day(d: number): string;
  days: number;
  /** After the month has ended in every account's time zone (Moscow's end, 21:00Z, is the latest). */
  closedBy: string;
  /** Noon UTC of the next month's first day: inside the next period everywhere. */
  nextStartsAt: string;
  next(): Month;
}

/** A calendar month 'YYYY-MM' as the benchmarks date their commands. */
export function month(id: string): Month {
  const [year, m] = id.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const nextId = new Date(Date.UTC(year, m, 1)).toISOString().slice(0, 7);
  return {
    id,
    day: (d) => `${id}-${String(d).padStart(2, '0')}T12:00:00.000Z`,
    days,
    closedBy: `${nextId}-01T00:00:00.000Z`,
    nextStartsAt: `${nextId}-01T12:00:00.000Z`,
    next: () => month(nextId),
  };
}

/** The benchmark month: usage is dated inside it, and the close runs just after its end. */
export const MONTH = month('2026-03');

type Kind = 'individual' | 'legal-prepaid' | 'legal-credit' | 'kz-prepaid' | 'non-resident';

/**
 * The account mix: half individuals (prepaid, RUB), the rest legal entities with sealed legal details:
 * prepaid RUB, on credit (postpaid, with a credit limit and a period bill at close), prepaid KZT in
 * Almaty's time zone, and non-residents billed in USD.
 */
export function accountKind(index: number): Kind {
  const slot = index % 10;
  if (slot < 5) return 'individual';
  if (slot < 7) return 'legal-prepaid';
  if (slot < 9) return slot === 7 ? 'legal-credit' : 'kz-prepaid';
  return 'non-resident';
}

export const accountId = (prefix: string, index: number) => `${prefix}-${String(index).padStart(6, '0')}`;

export function openAccountCommand(id: string, index: number, at: string): OpenAccountCommand {
  const kind = accountKind(index);
  const ruLegal = { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' };
  switch (kind) {
    case 'individual':
      return {
        accountId: id,
        payerType: 'individual',
        region: 'ru-moscow',
        residency: 'resident',
        contract: 'public-offer',
        paymentScheme: 'prepaid',
        edm: false,
        profileId: 'vk-individual-prepaid',
        at,
      };
    case 'legal-prepaid':
      return {
        accountId: id,
        payerType: 'legal-entity',
        region: 'ru-moscow',
        residency: 'resident',
        contract: 'public-offer',
        paymentScheme: 'prepaid',
        edm: true,
        profileId: 'yc-legal-prepaid',
        legalDetails: ruLegal,
        at,
      };
    case 'legal-credit':
      return {
        accountId: id,
        payerType: 'legal-entity',
        region: 'ru-moscow',
        residency: 'resident',
        contract: 'individual-contract',
        paymentScheme: 'postpaid',
        edm: false,
        profileId: 'yc-legal-credit',
        legalDetails: ruLegal,
        at,
      };
    case 'kz-prepaid':
      return {
        accountId: id,
        payerType: 'legal-entity',
        region: 'kz',
        residency: 'resident',
        contract: 'public-offer',
        paymentScheme: 'prepaid',
        edm: false,
        profileId: 'yc-legal-prepaid',
        legalDetails: { name: 'ТОО «Алма»', taxId: '971240001315', address: 'Алматы' },
        at,
      };
    case 'non-resident':
      return {
        accountId: id,
        payerType: 'legal-entity',
        region: 'ru-moscow',
        residency: 'non-resident',
        contract: 'individual-contract',
        paymentScheme: 'prepaid',
        edm: false,
        profileId: 'yc-legal-prepaid',
        legalDetails: { name: 'Acme GmbH', taxId: 'DE123456789', address: 'Berlin' },
        at,
      };
  }
}

const CURRENCY: Record<Kind, 'RUB' | 'KZT' | 'USD'> = {
  individual: 'RUB',
  'legal-prepaid': 'RUB',
  'legal-credit': 'RUB',
  'kz-prepaid': 'KZT',
  'non-resident': 'USD',
};

/**
 * Funding that keeps every account active for the whole benchmark (no freeze, no suspension, no
 * mid-period bill): a top-up for prepaid accounts, a credit limit for the credit account.
 */
export function fundingCommand(
  index: number,
  accountId: string,
  at: string,
): Extract<LedgerCommand, { type: 'TopUp' | 'SetCreditLimit' }> {
  const kind = accountKind(index);
  if (kind === 'legal-credit') return { type: 'SetCreditLimit', creditLimit: '100000000', at };
  const amount = { RUB: '50000000', KZT: '250000000', USD: '500000' }[CURRENCY[kind]];
  return {
    type: 'TopUp',
    paymentId: `${accountId}.pay.${at.slice(0, 10)}`,
    amount,
    channel: 'bank-transfer',
    at,
  };
}

/** Daily usage of a typical small project: compute, memory, disk, an address, object storage. */
const DAILY: Array<{ sku: string; quantity: string }> = [
  { sku: 'compute.vcpu.hour', quantity: '48' },
  { sku: 'compute.ram.gb.hour', quantity: '192' },
  { sku: 'storage.ssd.gb.hour', quantity: '2400' },
  { sku: 'network.public-ip.hour', quantity: '24' },
  { sku: 'object-storage.egress.gb', quantity: '3.75' },
  { sku: 'object-storage.requests.put', quantity: '12000' },
  { sku: 'object-storage.standard.gb.month', quantity: '0.8' },
  { sku: 'storage.snapshot.gb.hour', quantity: '960' },
];

export const SKU_COUNT = DAILY.length;

/**
 * The n-th usage record of account `accountIndex`: SKUs in rotation, an hour window inside `dayStart`'s
 * day; its id is `<recordKey>-<n>`.
 */
export function usageCommand(
  accountIndex: number,
  n: number,
  dayStart: string,
  recordKey: string,
): Extract<LedgerCommand, { type: 'ConsumeResource' }> {
  const { sku, quantity } = DAILY[(n + accountIndex) % DAILY.length]!;
  // Hour windows from 01:00 to 17:00 UTC of the day: inside the local day in Moscow and in Almaty.
  const start = Date.parse(dayStart) - 11 * 3_600_000 + (n % 16) * 3_600_000;
  return {
    type: 'ConsumeResource',
    usageRecordId: `${recordKey}-${n}`,
    sku,
    quantity,
    windowStart: new Date(start).toISOString(),
    windowEnd: new Date(start + 3_600_000).toISOString(),
    // Issue 15: every record names its project and resource and carries two labels, as a cloud's meter does.
    project: `project-${accountIndex % 3}`,
    resourceId: `vm-${accountIndex}-${n % 4}`,
    labels: { env: n % 2 === 0 ? 'prod' : 'test', team: `team-${accountIndex % 5}` },
  };
}
