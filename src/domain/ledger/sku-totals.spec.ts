/**
 * PeriodClosed records the period's consumption per SKU as well as per service (issue 13): the documents
 * print one line per SKU with its quantity. Quantities are summed exactly (big.js), and the SKU totals of a
 * service add up to its service totals.
 */
import Big from 'big.js';
import fc from 'fast-check';
import type { LedgerCommand } from './ledger-commands.js';
import { decideLedger } from './ledger-decide.js';
import type { LedgerEvent, LedgerEventOf } from './ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from './ledger-state.js';
import { IN_MARCH, MARCH, consume, contextFor, eventsOf, ledger, periodOpened } from './ledger.fixtures.js';

const VK_LEGAL = 'vk-legal-prepaid';
const close: LedgerCommand = { type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' };

const bankDeposit = (amount: string): LedgerEvent => ({
  type: 'FundsDeposited',
  data: {
    paymentId: `bank-${amount}`,
    amount,
    channel: 'bank-transfer',
    countsInDocuments: true,
    balanceAfter: amount,
    at: IN_MARCH,
  },
});

/** A charge as the ledger stores it; `fromGrants` is what the balance did not pay. */
function charge(
  id: string,
  sku: string,
  service: string,
  quantity: string,
  amount: string,
  fromBalance: string,
  options: { unit?: string; tracked?: boolean; category?: string } = {},
): LedgerEvent {
  const fromGrants = new Big(amount).minus(fromBalance);
  return {
    type: 'ResourceConsumed',
    data: {
      usageRecordId: id,
      sku,
      service,
      category: options.category ?? (service === 'Block Storage' ? 'storage' : 'compute'),
      unit: options.unit ?? 'unit',
      quantity,
      windowStart: IN_MARCH,
      windowEnd: IN_MARCH,
      catalogVersion: 'test-1',
      amount,
      fromGrants: fromGrants.gt(0) ? [{ grantId: 'g1', amount: fromGrants.toFixed() }] : [],
      fromBalance,
      ...(options.tracked === false
        ? {}
        : { fromBalanceBy: [{ source: 'bank-transfer', amount: fromBalance }] }),
      balanceAfter: '0',
    },
  };
}

describe('ledger: PeriodClosed per SKU (issue 13)', () => {
  it('two SKUs of one service and one of another: quantities summed exactly, amounts and funding per SKU', () => {
    ledger(VK_LEGAL)
      .given([
        periodOpened({}, VK_LEGAL),
        bankDeposit('1000'),
        charge('u1', 'compute.vcpu', 'Cloud Compute', '0.1', '10.5', '10.5', { unit: 'vCPU·h' }),
        charge('u2', 'compute.ram', 'Cloud Compute', '4', '2.25', '2'),
        charge('u3', 'compute.vcpu', 'Cloud Compute', '0.2', '21', '21', { unit: 'changed later' }),
        charge('u4', 'storage.ssd', 'Block Storage', '100.000000001', '3.333333', '3.333333'),
      ])
      .when(close)
      .then([
        expect.objectContaining({
          type: 'PeriodClosed',
          data: expect.objectContaining({
            byService: [
              expect.objectContaining({ service: 'Block Storage', consumption: '3.333333' }),
              expect.objectContaining({ service: 'Cloud Compute', consumption: '33.75', fromGrants: '0.25' }),
            ],
            bySku: [
              {
                sku: 'storage.ssd',
                service: 'Block Storage',
                category: 'storage',
                unit: 'unit',
                quantity: '100.000000001',
                consumption: '3.333333',
                fromGrants: '0',
                fromBalance: '3.333333',
                fromBalanceBy: [{ source: 'bank-transfer', amount: '3.333333' }],
              },
              {
                sku: 'compute.ram',
                service: 'Cloud Compute',
                category: 'compute',
                unit: 'unit',
                quantity: '4',
                consumption: '2.25',
                fromGrants: '0.25',
                fromBalance: '2',
                fromBalanceBy: [{ source: 'bank-transfer', amount: '2' }],
              },
              {
                sku: 'compute.vcpu',
                service: 'Cloud Compute',
                category: 'compute',
                // The unit of the SKU's first charge; 0.1 + 0.2 is exactly 0.3 (no float near a quantity).
                unit: 'vCPU·h',
                quantity: '0.3',
                consumption: '31.5',
                fromGrants: '0',
                fromBalance: '31.5',
                fromBalanceBy: [{ source: 'bank-transfer', amount: '31.5' }],
              },
            ],
          }),
        }),
      ]);
  });

  it('charges stored before funding was tracked count as unattributed, as the service totals do', () => {
    ledger(VK_LEGAL)
      .given([
        periodOpened({}, VK_LEGAL),
        charge('u1', 'compute.vcpu', 'Cloud Compute', '2', '2', '2', { tracked: false }),
      ])
      .when(close)
      .then([
        expect.objectContaining({
          type: 'PeriodClosed',
          data: expect.objectContaining({
            bySku: [
              expect.objectContaining({
                sku: 'compute.vcpu',
                fromBalanceBy: [{ source: 'unattributed', amount: '2' }],
              }),
            ],
          }),
        }),
      ]);
  });

  it('a SKU metered under two services (a catalog change) is one entry per service', () => {
    ledger(VK_LEGAL)
      .given([
        periodOpened({}, VK_LEGAL),
        bankDeposit('100'),
        charge('u1', 'gpu.a100', 'Cloud Compute', '1', '5', '5'),
        charge('u2', 'gpu.a100', 'GPU Clusters', '2', '10', '10', { category: 'gpu-cluster' }),
      ])
      .when(close)
      .then([
        expect.objectContaining({
          type: 'PeriodClosed',
          data: expect.objectContaining({
            bySku: [
              expect.objectContaining({
                sku: 'gpu.a100',
                service: 'Cloud Compute',
                quantity: '1',
                consumption: '5',
              }),
              expect.objectContaining({
                sku: 'gpu.a100',
                service: 'GPU Clusters',
                quantity: '2',
                consumption: '10',
              }),
            ],
          }),
        }),
      ]);
  });

  it('a period without usage closes with no SKU entries', () => {
    ledger(VK_LEGAL)
      .given([periodOpened({}, VK_LEGAL), bankDeposit('100')])
      .when(close)
      .then([
        expect.objectContaining({
          type: 'PeriodClosed',
          data: expect.objectContaining({ byService: [], bySku: [] }),
        }),
      ]);
  });

  it('property: over random usage, each service’s SKU totals add up to its service totals', () => {
    const usage = fc.array(
      fc.record({
        sku: fc.constantFrom('compute.vcpu', 'compute.ram', 'storage.ssd', 'storage.snapshot'),
        quantity: fc
          .tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 999_999 }))
          .map(([whole, micros]) => `${whole}.${String(micros).padStart(6, '0')}`),
      }),
      { minLength: 1, maxLength: 25 },
    );
    fc.assert(
      fc.property(
        usage,
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 500 }),
        (records, topUp, grant) => {
          const context = contextFor(VK_LEGAL);
          let state: LedgerState = [
            periodOpened({}, VK_LEGAL),
            ...(topUp > 0 ? [bankDeposit(String(topUp))] : []),
            ...(grant > 0
              ? [
                  {
                    type: 'GrantIssued',
                    data: {
                      grantId: 'g1',
                      kind: 'start',
                      amount: String(grant),
                      remaining: String(grant),
                      issuedAt: MARCH.startsAt,
                      expiresAt: '2026-06-01T00:00:00.000Z',
                      categories: ['compute'],
                      excludedCategories: [],
                      priority: 0,
                    },
                  } satisfies LedgerEvent,
                ]
              : []),
          ].reduce(evolveLedger, initialLedgerState());
          const commands = [...records.map((r, i) => consume(`u${i}`, r.sku, r.quantity)), close];
          let closed: LedgerEventOf<'PeriodClosed'>['data'] | undefined;
          const bySkuQuantity = new Map<string, Big>();
          for (const command of commands) {
            const decision = decideLedger(command, state, context);
            if (!decision.ok) continue;
            for (const event of eventsOf(decision)) {
              state = evolveLedger(state, event);
              if (event.type === 'PeriodClosed') closed = event.data;
              if (event.type === 'ResourceConsumed') {
                const { sku, quantity } = event.data;
                bySkuQuantity.set(sku, (bySkuQuantity.get(sku) ?? new Big(0)).plus(quantity));
              }
            }
          }
          expect(closed?.bySku).toBeDefined();
          for (const service of closed!.byService) {
            const skus = closed!.bySku!.filter((s) => s.service === service.service);
            const sum = (pick: (s: (typeof skus)[number]) => string) =>
              skus.reduce((total, s) => total.plus(pick(s)), new Big(0)).toFixed();
            expect(sum((s) => s.consumption)).toBe(new Big(service.consumption).toFixed());
            expect(sum((s) => s.fromGrants)).toBe(new Big(service.fromGrants).toFixed());
            expect(sum((s) => s.fromBalance)).toBe(new Big(service.fromBalance).toFixed());
          }
          // The quantities are the charged usage records' quantities, summed exactly per SKU.
          expect(Object.fromEntries(closed!.bySku!.map((s) => [s.sku, s.quantity]))).toEqual(
            Object.fromEntries([...bySkuQuantity].map(([sku, q]) => [sku, q.toFixed()])),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
