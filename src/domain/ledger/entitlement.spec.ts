import { BUILT_IN_PROFILES } from '../policies/profiles.js';
import { entitlement } from './entitlement.js';
import { given, periodOpened } from './ledger.fixtures.js';

const vk = BUILT_IN_PROFILES.find((p) => p.id === 'vk-individual-prepaid')!;
const yc = BUILT_IN_PROFILES.find((p) => p.id === 'yc-legal-prepaid')!;
const compute = { known: true as const, category: 'compute', keptWhileStopped: false };
const disk = { known: true as const, category: 'storage', keptWhileStopped: true };

describe('entitlement query', () => {
  it('allows an active account and refuses an unknown SKU', () => {
    const state = given(vk.id, periodOpened()).state;
    expect(entitlement(state, vk, compute)).toMatchObject({ allowed: true, reason: 'OK' });
    expect(entitlement(state, vk, { known: false })).toMatchObject({ allowed: false, reason: 'UNKNOWN_SKU' });
  });

  it('refuses new compute while frozen or suspended but keeps storage', () => {
    const frozen = given(vk.id, periodOpened({ status: 'frozen', balance: '-1' })).state;
    expect(entitlement(frozen, vk, compute)).toMatchObject({ allowed: false, reason: 'ACCOUNT_FROZEN' });
    expect(entitlement(frozen, vk, disk)).toMatchObject({ allowed: true });
    const suspended = given(yc.id, periodOpened({ status: 'suspended', balance: '-1' }, yc.id)).state;
    expect(entitlement(suspended, yc, compute)).toMatchObject({
      allowed: false,
      reason: 'ACCOUNT_SUSPENDED',
    });
    const blocked = given(yc.id, periodOpened({ status: 'blocked' }, yc.id)).state;
    expect(entitlement(blocked, yc, disk)).toMatchObject({ allowed: false, reason: 'ACCOUNT_BLOCKED' });
  });

  it('warns while payment is required, with the suspension date', () => {
    const state = given(
      yc.id,
      periodOpened(
        {
          status: 'payment-required',
          suspension: { suspendAt: '2026-03-17T09:00:00.000Z', noticesSent: [], penaltiesAccrued: '0' },
        },
        yc.id,
      ),
    ).state;
    expect(entitlement(state, yc, compute)).toMatchObject({
      allowed: true,
      reason: 'PAYMENT_REQUIRED',
      until: '2026-03-17T09:00:00.000Z',
    });
  });
});
