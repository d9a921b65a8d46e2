import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPgCluster, type PgCluster } from '../projections/support/pg-cluster.js';
import { callService, startService, waitUntil, type Service } from '../support/service-process.js';
import { individual, usage } from '../support/requests.js';
import Big from 'big.js';
import { KEYS } from '../support/api.js';
import { hashApiKey } from '../../src/platform/http/auth/api-keys.js';

const withAuditor = `test-service:service:${hashApiKey(KEYS.service)},test-auditor:auditor:${hashApiKey(KEYS.auditor)}`;

/**
 * Issue 18, item 5: a deployment routes an account's commands to one instance (consistent hashing on the
 * account id, docs/scale-out.md). When a request reaches another instance anyway — the ring changed, a
 * mixed usage batch, a load balancer without the rule — the command must still be applied exactly once:
 * the instance's cached state is stale, the append's expected revision catches it, and the decision is
 * made again on the fresh stream. Two real service processes on one log and one PostgreSQL.
 */

const call = callService;
const until = (check: () => Promise<boolean>, what: string, timeoutMs = 60_000) =>
  waitUntil(check, what, timeoutMs);

describe('commands for one account reaching two instances at once', () => {
  let dir: string;
  let cluster: PgCluster;
  const services: Service[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'account-routing-'));
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    for (const service of services) {
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
      await service.exited;
    }
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are each applied once, none refused, the balance exact to the kopeck on both', async () => {
    const shared = {
      SQLITE_PATH: join(dir, 'events.sqlite'),
      READ_MODEL_DB: await cluster.freshSchema(),
      PERSONAL_DATA_MASTER_KEY: 'c'.repeat(64),
      CLOCK: 'virtual:2026-03-10T12:00:00.000Z',
      API_KEYS: withAuditor,
    };
    const a = await startService(join(dir, 'a'), { ...shared, INSTANCE_ID: 'instance-a' });
    services.push(a);
    const b = await startService(join(dir, 'b'), {
      ...shared,
      INSTANCE_ID: 'instance-b',
      SERVICE_ROLE: 'commands',
    });
    services.push(b);

    const { openedAt: _, ...vera } = individual('vera');
    expect((await call(a, 'POST', '/v1/accounts', vera)).status).toBe(201);
    // Both instances load (and cache) the account before the race, so every write of the other one makes
    // their cached state stale.
    const topUp = (paymentId: string) => ({ paymentId, amount: '10.01', currency: 'RUB', channel: 'card' });
    expect((await call(a, 'POST', '/v1/accounts/vera/top-ups', topUp('warm-a'))).status).toBe(201);
    expect((await call(b, 'POST', '/v1/accounts/vera/top-ups', topUp('warm-b'))).status).toBe(201);

    // 30 top-ups and 30 usage records, alternating between the instances, all in flight together.
    const requests = Array.from({ length: 60 }, (_, i) => {
      const service = i % 2 === 0 ? a : b;
      return i < 30
        ? () => call(service, 'POST', '/v1/accounts/vera/top-ups', topUp(`p-${i}`))
        : () => call(service, 'POST', '/v1/accounts/vera/usage', usage(`u-${i}`, 'compute.vcpu.hour', '1'));
    });
    const answers = await Promise.all(requests.map((send) => send()));
    expect(answers.filter((answer) => answer.status !== 201)).toEqual([]);

    // The same 60 again, once more in parallel on the other instance each: all recognised, nothing stored.
    const retries = Array.from({ length: 60 }, (_, i) => {
      const service = i % 2 === 0 ? b : a;
      return i < 30
        ? call(service, 'POST', '/v1/accounts/vera/top-ups', topUp(`p-${i}`))
        : call(service, 'POST', '/v1/accounts/vera/usage', usage(`u-${i}`, 'compute.vcpu.hour', '1'));
    });
    const again = await Promise.all(retries);
    expect(again.filter((answer) => answer.status >= 300)).toEqual([]);

    // The log holds each command once: 32 deposits and 30 charges.
    const audit = await call(a, 'GET', '/v1/audit/accounts/vera/events?limit=1000', undefined, KEYS.auditor);
    expect(audit.status).toBe(200);
    const events = (audit.body as { events: Array<{ type: string; data: Record<string, unknown> }> }).events;
    const deposits = events.filter((e) => e.type === 'FundsDeposited');
    const charges = events.filter((e) => e.type === 'ResourceConsumed');
    expect(deposits).toHaveLength(32);
    expect(charges.map((e) => e.data.usageRecordId).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `u-${i + 30}`).sort(),
    );

    // Both instances' read model shows 32 × 10.01 less the 30 charges, to the kopeck.
    const expected = charges
      .reduce((balance, e) => balance.minus(new Big(e.data.amount as string)), new Big('10.01').times(32))
      .toFixed(2);
    const balanceOn = async (service: Service) =>
      new Big((await call(service, 'GET', '/v1/accounts/vera')).body.balance as string).toFixed(2);
    await until(
      async () => (await balanceOn(a)) === expected && (await balanceOn(b)) === expected,
      `both instances to show the balance ${expected}`,
    );
  }, 180_000);
});
