/**
 * The data of a usage charge as ConsumeResource stores it (a real row of the bench's month log: rating
 * details, funding, the project, resource and labels) — the store bench sizes it, the compact data spec
 * round-trips it.
 */
export const engineChargeData = (usageRecordId = 'acc-000001.u2026-03-12345') => ({
  usageRecordId,
  sku: 'compute.ram.gb.hour',
  service: 'Cloud Compute',
  category: 'compute',
  unit: 'GB·h',
  quantity: '192',
  windowStart: '2026-03-01T01:00:00.000Z',
  windowEnd: '2026-03-01T02:00:00.000Z',
  catalogVersion: '2026.1',
  amount: '54.72',
  fromGrants: [],
  fromBalance: '54.72',
  fromBalanceBy: [{ source: 'bank-transfer', amount: '54.72' }],
  balanceAfter: '49999945.28',
  ratedAmount: '54.720000',
  billingHour: '2026-03-01T01:00:00.000Z',
  project: 'project-1',
  resourceId: 'vm-1-0',
  labels: { env: 'prod', team: 'team-1' },
});
