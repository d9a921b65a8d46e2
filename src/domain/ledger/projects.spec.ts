/**
 * Issue 15: a usage record names its project, resource and labels; ResourceConsumed carries what it named
 * (compactly: nothing for a record that names nothing, no empty labels), and PeriodClosed breaks the
 * period's consumption down per project, service and SKU (`byProject`) — absent when every charge was in
 * the project `default`, so a period without projects closes exactly as before.
 */
import Big from 'big.js';
import fc from 'fast-check';
import type { LedgerCommand } from './ledger-commands.js';
import type { LedgerEvent, LedgerEventOf } from './ledger-events.js';
import { evolveLedger } from './ledger-state.js';
import { MARCH, consume, deposited, eventsOf, given, ledger, periodOpened } from './ledger.fixtures.js';
import { decideLedger } from './ledger-decide.js';
import { contextFor } from './ledger.fixtures.js';

const YC = 'yc-legal-prepaid';
const close: LedgerCommand = { type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' };
const inProject = (
  id: string,
  sku: string,
  quantity: string,
  attribution: { project?: string; resourceId?: string; labels?: Record<string, string> },
): LedgerCommand => ({
  ...(consume(id, sku, quantity) as Extract<LedgerCommand, { type: 'ConsumeResource' }>),
  ...attribution,
});

const OPENED: LedgerEvent[] = [periodOpened({}, YC), deposited('100')];
const consumedData = (events: LedgerEvent[]) =>
  events.find((e) => e.type === 'ResourceConsumed')!.data as LedgerEventOf<'ResourceConsumed'>['data'];

describe('ledger: usage in projects (issue 15)', () => {
  it('ResourceConsumed carries the project, the resource id and the labels, sorted by key', () => {
    const decision = given(YC, periodOpened({}, YC), deposited('100')).when(
      inProject('u1', 'compute.vcpu', '2', {
        project: 'shop-prod',
        resourceId: 'vm-1',
        labels: { team: 'web', env: 'prod' },
      }),
    );
    const data = consumedData(eventsOf(decision));
    expect(data).toMatchObject({ project: 'shop-prod', resourceId: 'vm-1', amount: '2' });
    expect(Object.keys(data.labels!)).toEqual(['env', 'team']);
    expect(data.labels).toEqual({ env: 'prod', team: 'web' });
  });

  it('a record naming nothing stores no project, resource or labels; empty labels are not stored', () => {
    const plain = consumedData(
      eventsOf(given(YC, periodOpened({}, YC), deposited('100')).when(consume('u1', 'compute.vcpu', '1'))),
    );
    expect(plain).not.toHaveProperty('project');
    expect(plain).not.toHaveProperty('resourceId');
    expect(plain).not.toHaveProperty('labels');
    const empty = consumedData(
      eventsOf(
        given(YC, periodOpened({}, YC), deposited('100')).when(
          inProject('u2', 'compute.vcpu', '1', { labels: {} }),
        ),
      ),
    );
    expect(empty).not.toHaveProperty('labels');
  });

  it.each([
    ['project', { project: 'has space' }],
    ['resourceId', { resourceId: '' }],
    ['labels', { labels: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }],
    ['labels', { labels: { Env: 'prod' } }],
    ['labels', { labels: { env: 'x'.repeat(64) } }],
  ])('INVALID_ATTRIBUTION naming %s: nothing charged', (field, attribution) => {
    ledger(YC)
      .given([periodOpened({}, YC), deposited('100')])
      .when(inProject('u1', 'compute.vcpu', '1', attribution))
      .rejects('INVALID_ATTRIBUTION', field);
  });

  it('PeriodClosed.byProject: per project, service and SKU; records without a project count as default', () => {
    ledger(YC)
      .given([
        periodOpened({}, YC),
        deposited('100'),
        ...charges([
          inProject('u1', 'compute.vcpu', '2', { project: 'shop-prod' }),
          inProject('u2', 'compute.vcpu', '3', { project: 'shop-test', labels: { env: 'test' } }),
          consume('u3', 'compute.vcpu', '0.5'),
          inProject('u4', 'compute.vcpu', '1.25', { project: 'shop-prod', resourceId: 'vm-2' }),
        ]),
      ])
      .when(close)
      .then([
        expect.objectContaining({
          type: 'PeriodClosed',
          data: expect.objectContaining({
            consumption: '6.75',
            byProject: [
              {
                project: 'default',
                service: 'Cloud Compute',
                sku: 'compute.vcpu',
                category: 'compute',
                consumption: '0.5',
                fromGrants: '0',
                fromBalance: '0.5',
              },
              expect.objectContaining({ project: 'shop-prod', sku: 'compute.vcpu', consumption: '3.25' }),
              expect.objectContaining({ project: 'shop-test', sku: 'compute.vcpu', consumption: '3' }),
            ],
          }),
        }),
      ]);
  });

  it('a period whose charges named no project closes without byProject', () => {
    const closed = eventsOf(
      given(
        YC,
        periodOpened({}, YC),
        deposited('100'),
        ...charges([consume('u1', 'compute.vcpu', '1')]),
      ).when(close),
    ).find((e) => e.type === 'PeriodClosed')!;
    expect(closed.data).not.toHaveProperty('byProject');
  });

  it('property: each project’s totals add up to the period’s consumption, grants and balance paid', () => {
    const usage = fc.array(
      fc.record({
        project: fc.option(fc.constantFrom('alpha', 'beta', 'gamma'), { nil: undefined }),
        // Whole kopecks (the flat test price is 1 per unit), built as a string: no float near an amount.
        quantity: fc
          .integer({ min: 1, max: 99_999 })
          .map((n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`),
      }),
      { minLength: 1, maxLength: 20 },
    );
    fc.assert(
      fc.property(usage, (records) => {
        const commands = records.map((r, i) =>
          inProject(`u${i}`, 'compute.vcpu', r.quantity, r.project ? { project: r.project } : {}),
        );
        const opened = [periodOpened({}, YC), deposited('10000')];
        const events = [...opened, ...charges(commands, opened)];
        const closed = eventsOf(given(YC, ...events).when(close)).find((e) => e.type === 'PeriodClosed')!
          .data as LedgerEventOf<'PeriodClosed'>['data'];
        const named = records.some((r) => r.project !== undefined);
        if (!named) return expect(closed.byProject).toBeUndefined();
        const sum = (pick: (p: NonNullable<typeof closed.byProject>[number]) => string) =>
          closed.byProject!.reduce((total, p) => total.plus(pick(p)), new Big(0)).toFixed();
        expect(sum((p) => p.consumption)).toBe(new Big(closed.consumption).toFixed());
        expect(sum((p) => p.fromBalance)).toBe(new Big(closed.spentFromBalance).toFixed());
        for (const project of new Set(records.map((r) => r.project ?? 'default'))) {
          const charged = records
            .filter((r) => (r.project ?? 'default') === project)
            .reduce((total, r) => total.plus(r.quantity), new Big(0));
          const entry = closed.byProject!.find((p) => p.project === project)!;
          expect(new Big(entry.consumption).eq(charged)).toBe(true);
        }
      }),
    );
  });
});

/** The events the ledger stores for `commands`, decided one after the other (each must be accepted). */
function charges(commands: LedgerCommand[], history: LedgerEvent[] = OPENED): LedgerEvent[] {
  const context = contextFor(YC);
  let state = history.reduce(evolveLedger, given(YC).state);
  const out: LedgerEvent[] = [];
  for (const command of commands) {
    const events = eventsOf(decideLedger(command, state, context));
    for (const event of events) {
      state = evolveLedger(state, event);
      if (event.type === 'ResourceConsumed') out.push(event);
    }
  }
  return out;
}
