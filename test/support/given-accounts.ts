import { CommandBus, type Command } from '@nestjs/cqrs';
import { OpenAccount } from '../../src/accounts/open-account/open-account.command.js';
import type { OpenAccountCommand } from '../../src/domain/account/open-account.js';
import type { CommandMeta } from '../../src/platform/commands/command-outcome.js';
import type { Role } from '../../src/platform/http/auth/api-keys.js';
import { RunningTimelines } from '../../src/timelines/running-timelines.js';
import type { Expectation } from './api-specification.js';
import type { TestApi } from './api.js';
import { creditLegal, individual, usage } from './requests.js';
import type { TestEngine } from './engine.js';

/**
 * Shared `given` steps and bodies for the route tests (the middle tier) and the command tests of the
 * accounts and ledger use cases. A step is a request that must succeed: when it does not, the test fails
 * naming the step and the answer, instead of failing later on a confusing assertion.
 */

type Body = Record<string, unknown>;
type Step = (api: TestApi) => Promise<unknown>;

/** A request that must answer 2xx. */
export const succeeded =
  (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, role?: Role): Step =>
  async (api) => {
    const response = await api.call(method, path, body, role ? { role } : {});
    if (response.status >= 300) {
      throw new Error(
        `given ${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  };

/** An account opened over HTTP (any opening body; `individual(id)` when only the id is given). */
export const opened = (body: string | Body): Step =>
  succeeded('POST', '/v1/accounts', typeof body === 'string' ? individual(body) : body);

/**
 * An account whose opening lies in the future: the HTTP edge refuses such an opening now (the effective-time
 * window), but the log may hold one from before, so the engine's answer to it is still pinned — the opening
 * goes to the command bus directly.
 */
export const openedInTheFuture =
  (body: Body): Step =>
  (api) =>
    api.app.get(CommandBus).execute(new OpenAccount(openCommand(body), testMeta()));

export const toppedUp = (accountId: string, paymentId: string, amount: string, extra: Body = {}): Step =>
  succeeded('POST', `/v1/accounts/${accountId}/top-ups`, {
    paymentId,
    amount,
    currency: 'RUB',
    channel: 'bank-transfer',
    ...extra,
  });

/** Usage of `test.unit` (1.00 per unit), so the charge equals the quantity. */
export const used = (accountId: string, usageRecordId: string, quantity: string, at?: string): Step =>
  succeeded('POST', `/v1/accounts/${accountId}/usage`, usage(usageRecordId, 'test.unit', quantity, at));

export const creditLimitSet = (accountId: string, creditLimit: string): Step =>
  succeeded('PUT', `/v1/accounts/${accountId}/credit-limit`, { creditLimit });

export const grantIssued = (accountId: string, grant: Body): Step =>
  succeeded('POST', `/v1/accounts/${accountId}/grants`, { currency: 'RUB', ...grant });

/** The engine's background workers (the document issuer) have caught up with every stored event. */
export async function settle(api: TestApi): Promise<void> {
  await api.app.get(RunningTimelines).engine?.settle();
}

/**
 * A `given` step or last expectation for scenarios whose events start background work (a mid-period bill or
 * a closed period has documents issued): waiting for it keeps that work out of the next scenario's events.
 */
export const settled: Step = settle;
export const thenSettled: Expectation = (_result, api) => settle(api);

/**
 * A legal entity with a credit limit of `limit` that used `limit + over` units: the credit ran out, so a
 * mid-period bill for the whole negative balance is issued on the day of the usage (2026-03-10 Moscow).
 */
export const billedMidPeriod = (accountId: string, limit = '100', over = '50'): Step[] => [
  opened(creditLegal(accountId)),
  creditLimitSet(accountId, limit),
  used(accountId, `${accountId}-usage`, String(Number(limit) + Number(over))),
  settled,
];

/** The id of the first mid-period bill issued on a day (Moscow time) of March 2026. */
export const midPeriodBillId = (accountId: string, day = '2026-03-10') => `${accountId}-2026-03-mid-1-${day}`;

export const LEGAL_DETAILS = {
  name: 'ООО «Ромашка»',
  taxId: '7707083893',
  kpp: '773601001',
  address: 'Москва',
};

/** A legal entity on the first provider's public offer: prepaid, frozen below zero. */
/** `legalDetails: null` opens it without legal details (added later). */
export const publicOfferLegal = (accountId: string, legalDetails: Body | null = LEGAL_DETAILS) => ({
  accountId,
  payerType: 'legal-entity',
  region: 'ru-moscow',
  residency: 'resident',
  contract: 'public-offer',
  paymentScheme: 'prepaid',
  profileId: 'vk-legal-prepaid',
  ...(legalDetails ? { legalDetails } : {}),
  openedAt: '2026-03-01T09:00:00+03:00',
});

/** A legal entity on the first provider's individual contract: billed at each month end, never frozen. */
export const postpaidLegal = (accountId: string) => ({
  ...publicOfferLegal(accountId),
  contract: 'individual-contract',
  paymentScheme: 'postpaid',
  profileId: 'vk-legal-postpaid',
});

/** A legal entity on the second provider without credit: payment required at zero, suspended 7 days later. */
export const suspendableLegal = (accountId: string) => ({
  ...publicOfferLegal(accountId),
  profileId: 'yc-legal-prepaid',
});

/** An individual on the second provider's trial. */
export const trialIndividual = (accountId: string) => ({ ...individual(accountId), profileId: 'yc-trial' });

/** An opening request body as the OpenAccount command the engine takes. */
export function openCommand(body: Body): OpenAccountCommand {
  const { openedAt, ...rest } = body as Body & { openedAt: string };
  return { edm: false, ...rest, at: openedAt } as unknown as OpenAccountCommand;
}

let commands = 0;
/** Command metadata for a command sent straight to the bus in a test. */
export const testMeta = (commandId = `test-command/${++commands}`): CommandMeta => ({
  commandId,
  actor: 'test',
});

/** The events stored in the engine's log after `position` (undefined: all of them), as type and data. */
export async function storedSince(engine: TestEngine, position: bigint | undefined) {
  const events = await engine.store.readAll(position === undefined ? {} : { afterPosition: position });
  return events.map((e) => ({ streamId: e.streamId, type: e.type, data: e.data as any }));
}

/** When: one command through the engine's CommandBus; then: its outcome and exactly the events it stored. */
export async function executed<R>(engine: TestEngine, command: Command<R>) {
  const head = await engine.store.headPosition();
  const outcome: R = await engine.commands.execute(command);
  return { outcome, newEvents: await storedSince(engine, head) };
}
