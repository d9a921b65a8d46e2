import { CommandRejectedError } from '../../../src/platform/commands/command-outcome.js';
import type { OpenAccountCommand } from '../../../src/domain/account/open-account.js';
import type { EventStore } from '../../../src/platform/event-store/event-store.port.js';
import { SqliteReadModelDb } from '../../../projections/runner/sqlite-read-model-db.js';
import { buildEngine } from '../../support/engine.js';

/** A small deterministic PRNG, so every run generates the same history. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Terms = Omit<OpenAccountCommand, 'accountId' | 'at'>;

const KINDS: Terms[] = [
  {
    payerType: 'individual',
    region: 'ru-moscow',
    residency: 'resident',
    contract: 'public-offer',
    paymentScheme: 'prepaid',
    edm: false,
    profileId: 'vk-individual-prepaid',
  },
  {
    payerType: 'legal-entity',
    region: 'ru-moscow',
    residency: 'resident',
    contract: 'individual-contract',
    paymentScheme: 'prepaid',
    edm: false,
    profileId: 'vk-legal-prepaid',
    legalDetails: { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '770701001', address: 'Москва' },
  },
  {
    payerType: 'legal-entity',
    region: 'kz',
    residency: 'resident',
    contract: 'individual-contract',
    paymentScheme: 'postpaid',
    edm: false,
    profileId: 'yc-legal-credit',
    legalDetails: { name: 'ТОО «Астана»', taxId: '180340021791', address: 'Алматы' },
  },
  {
    payerType: 'legal-entity',
    region: 'kz',
    residency: 'resident',
    contract: 'individual-contract',
    paymentScheme: 'prepaid',
    edm: false,
    profileId: 'yc-legal-prepaid',
    legalDetails: { name: 'ТОО «Жетысу»', taxId: '180340021791', address: 'Алматы' },
  },
];

export interface HistoryOptions {
  accounts: number;
  months: number;
  /** Business days simulated per month. */
  stepsPerMonth: number;
  seed?: number;
  /** Called after each simulated step (live projections catch up meanwhile). */
  onStep?: () => Promise<void>;
}

/**
 * Generates a billing history through the application layer on a virtual clock: accounts of every kind
 * top up, consume, get grants and credit, go negative, are frozen, suspended and billed; periods close and
 * documents are issued. The timelines fire deadlines as time passes.
 */
export async function generateHistory(store: EventStore, options: HistoryOptions): Promise<void> {
  const random = prng(options.seed ?? 42);
  const built = await buildEngine({ start: '2026-01-02T06:00:00.000Z', store });
  const { clock } = built;
  const timelinesDb = new SqliteReadModelDb(':memory:');
  const documentsDb = new SqliteReadModelDb(':memory:');
  const engine = built.timelines({ timelines: timelinesDb, documents: documentsDb });
  await engine.start();
  let command = 0;
  const commandId = () => `gen-${++command}`;
  const attempt = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof CommandRejectedError)) throw error;
    }
  };
  const ids = Array.from({ length: options.accounts }, (_, i) => `acc-${String(i).padStart(3, '0')}`);
  for (const [i, accountId] of ids.entries()) {
    const terms = KINDS[i % KINDS.length]!;
    await built.open({ ...terms, accountId, at: clock.now().toISOString() }, commandId());
    if (terms.profileId === 'yc-legal-credit') {
      const at = clock.now().toISOString();
      await built.send(accountId, { type: 'SetCreditLimit', creditLimit: '300', at }, commandId());
    }
  }
  let payment = 0;
  let usage = 0;
  for (let month = 0; month < options.months; month++) {
    for (let step = 0; step < options.stepsPerMonth; step++) {
      const day = 2 + Math.floor((step * 26) / options.stepsPerMonth);
      const when = new Date(Date.UTC(2026, month, day, 9, 0, 0)).toISOString();
      await engine.advanceTo(when, clock);
      for (const [i, accountId] of ids.entries()) {
        const roll = random();
        const at = clock.now().toISOString();
        if (roll < 0.25) {
          const amount = String(10 + Math.floor(random() * 150));
          await attempt(() =>
            built.send(
              accountId,
              {
                type: 'TopUp',
                paymentId: `pay-${++payment}`,
                amount,
                channel: random() < 0.5 ? 'card' : 'bank-transfer',
                at,
              },
              commandId(),
            ),
          );
        } else if (roll < 0.3 && i % 2 === 1) {
          const expiresAt = new Date(Date.parse(at) + 20 * 86_400_000).toISOString();
          await attempt(() =>
            built.send(
              accountId,
              {
                type: 'IssueGrant',
                grantId: `grant-${accountId}-${month}-${step}`,
                kind: 'promo',
                amount: '25',
                expiresAt,
                categories: 'all',
                excludedCategories: [],
                priority: 1,
                at,
              },
              commandId(),
            ),
          );
        } else {
          for (let r = 0; r < 1 + Math.floor(random() * 3); r++) {
            const quantity = (1 + Math.floor(random() * 4000) / 100).toFixed(2);
            await attempt(() =>
              built.send(
                accountId,
                {
                  type: 'ConsumeResource',
                  usageRecordId: `u-${++usage}`,
                  sku: 'test.unit',
                  quantity,
                  windowStart: at,
                  windowEnd: at,
                },
                commandId(),
              ),
            );
          }
        }
      }
      // Refunds (no random draw, so the rest of the history stays the same): ops refund 5.00 of every
      // fourth account's payments in the second month; the gateway answers half of them a step later.
      if (month === 1 && step === 0) {
        for (const [i, accountId] of ids.entries()) {
          if (i % 4 !== 0) continue;
          const at = clock.now().toISOString();
          const refund = { refundId: `rf-${accountId}`, amount: '5.00', reason: 'history', by: 'ops', at };
          await attempt(() => built.send(accountId, { type: 'RequestRefund', ...refund }, commandId()));
        }
      }
      if (month === 1 && step === 1) {
        for (const [i, accountId] of ids.entries()) {
          if (i % 4 !== 0) continue;
          const at = clock.now().toISOString();
          const result =
            i % 8 === 0 ? { status: 'completed' as const } : { status: 'failed' as const, reason: 'refused' };
          await attempt(() =>
            built.send(
              accountId,
              { type: 'RecordRefundResult', refundId: `rf-${accountId}`, result, at },
              commandId(),
            ),
          );
        }
      }
      await options.onStep?.();
    }
  }
  // Close the last month everywhere, so its documents are issued too.
  const end = new Date(Date.UTC(2026, options.months, 2, 9, 0, 0)).toISOString();
  await engine.advanceTo(end, clock);
  for (const accountId of ids) await built.ledger.state(accountId, end);
  await engine.settle();
  await engine.issuer?.waitFor((await store.headPosition())!);
  await built.close();
  await timelinesDb.close();
  await documentsDb.close();
}
