import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfileRegistry } from '../../platform/config/policy-profiles.js';
import { BUILT_IN_PROFILES } from '../../domain/policies/profiles.js';
import { startTestApi, type TestApi } from '../../../test/support/api.js';

const NOW = '2026-03-10T09:00:00.000Z';
const builtIn = (id: string) => BUILT_IN_PROFILES.find((p) => p.id === id)!;

/** Two profiles as ops drop them into POLICY_PROFILES_DIR: a new version of a built-in one and a new one. */
const fromOps = [
  {
    ...builtIn('yc-legal-credit'),
    version: 2,
    description: 'Second provider, credit, bills due in 30 days.',
    billing: { ...builtIn('yc-legal-credit').billing, billDueDays: 30 },
  },
  {
    ...builtIn('vk-legal-prepaid'),
    id: 'acme-legal-prepaid',
    description: 'A reseller’s legal entities: prepaid, minimum top-up 1000 RUB.',
    minimumTopUp: { RUB: '1000', KZT: '5000', USD: '20' },
  },
];

describe('GET /v1/profiles', () => {
  let api: TestApi;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    fromOps.forEach((profile, i) => writeFileSync(join(dir, `${i}.json`), JSON.stringify(profile)));
    const profiles = loadProfileRegistry(dir);
    api = await startTestApi(NOW, ':memory:', { 'writer-key': ['accounts:write'] }, {}, () => ({ profiles }));
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every profile id once, in id order, at its latest version — the built-in ones and those from POLICY_PROFILES_DIR', async () => {
    const head = await api.store.headPosition();
    const res = await api.call('GET', '/v1/profiles');
    expect(res.status).toBe(200);
    const ids = res.body.profiles.map((p: { id: string }) => p.id);
    expect(ids).toEqual([...new Set([...BUILT_IN_PROFILES.map((p) => p.id), 'acme-legal-prepaid'])].sort());
    expect(res.body.profiles.find((p: { id: string }) => p.id === 'yc-legal-credit')).toMatchObject({
      version: 2,
      versions: [1, 2],
      name: 'Second provider, credit, bills due in 30 days.',
      billTermDays: 30,
    });
    expect(res.body.profiles.find((p: { id: string }) => p.id === 'acme-legal-prepaid')).toMatchObject({
      version: 1,
      minimumTopUp: { RUB: '1000', KZT: '5000', USD: '20' },
    });
    expect(await api.store.headPosition()).toBe(head);
  });

  it('what a person choosing one needs: payer types, scheme, where and in which currency, credit, bill terms, minimum top-up, what happens when money runs out', async () => {
    const res = await api.call('GET', '/v1/profiles', undefined, { role: 'auditor' });
    const byId = (id: string) => res.body.profiles.find((p: { id: string }) => p.id === id);
    expect(byId('vk-individual-prepaid')).toEqual({
      id: 'vk-individual-prepaid',
      version: 1,
      versions: [1],
      name: builtIn('vk-individual-prepaid').description,
      payerTypes: ['individual'],
      paymentScheme: 'prepaid',
      residency: ['resident'],
      availableIn: [
        { region: 'ru-moscow', residency: 'resident', currency: 'RUB' },
        { region: 'kz', residency: 'resident', currency: 'KZT' },
      ],
      creditLimitAllowed: false,
      billTermDays: 14,
      midPeriodBillTermDays: 2,
      periodBills: false,
      minimumTopUp: builtIn('vk-individual-prepaid').minimumTopUp,
      freezes: true,
      suspends: false,
      whenBillOverdue: 'nothing',
      closingDocuments: 'none',
      trial: false,
      autoTopUp: true,
    });
    // Non-residents pay in US dollars (§1); credit and suspension are the second provider's.
    expect(byId('yc-legal-prepaid')).toMatchObject({
      residency: ['resident', 'non-resident'],
      availableIn: [
        { region: 'ru-moscow', residency: 'resident', currency: 'RUB' },
        { region: 'ru-moscow', residency: 'non-resident', currency: 'USD' },
        { region: 'kz', residency: 'resident', currency: 'KZT' },
        { region: 'kz', residency: 'non-resident', currency: 'USD' },
      ],
      creditLimitAllowed: false,
      freezes: false,
      suspends: true,
      whenBillOverdue: 'suspend',
    });
    expect(byId('yc-legal-credit')).toMatchObject({ creditLimitAllowed: true, paymentScheme: 'postpaid' });
    expect(byId('yc-trial')).toMatchObject({ trial: true });
  });

  it('a profile it lists can be opened with, and GET /v1/accounts filters by it', async () => {
    const opened = await api.call('POST', '/v1/accounts', {
      accountId: 'acme-1',
      payerType: 'legal-entity',
      region: 'ru-moscow',
      residency: 'resident',
      contract: 'public-offer',
      paymentScheme: 'prepaid',
      profileId: 'acme-legal-prepaid',
      legalDetails: { name: 'ООО «Акме»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
      openedAt: '2026-03-01T09:00:00+03:00',
    });
    expect(opened.status).toBe(201);
    const listed = await api.call('GET', '/v1/accounts?profile=acme-legal-prepaid');
    expect(listed.body.accounts.map((a: { accountId: string }) => a.accountId)).toEqual(['acme-1']);
  });

  it('401 without a key, 403 for a key without the read scope', async () => {
    expect((await api.call('GET', '/v1/profiles', undefined, { role: null })).status).toBe(401);
    const forbidden = await api.call('GET', '/v1/profiles', undefined, { key: 'writer-key' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a bad profile file stops the start naming the file', () => {
    const bad = mkdtempSync(join(tmpdir(), 'profiles-bad-'));
    try {
      writeFileSync(join(bad, 'broken.json'), JSON.stringify({ ...fromOps[1], minimumTopUp: { RUB: -1 } }));
      expect(() => loadProfileRegistry(bad)).toThrow(/POLICY_PROFILES_DIR: broken\.json/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
