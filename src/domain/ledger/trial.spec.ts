import { IN_MARCH, consume, eventsOf, given, grantIssued, periodOpened, typesOf } from './ledger.fixtures.js';

const TRIAL = 'yc-trial';
const DAY = 86_400_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('trial (§7): ends when its grant is used up or expires; suspended unless upgraded', () => {
  it('keeps running while the grant lasts and suspends in the charge that uses it up, deletion due 60 days later', () => {
    const account = given(TRIAL, periodOpened({}, TRIAL), grantIssued('start', '100'));
    expect(typesOf(account.when(consume('u1', 'compute.vcpu', '99.99')))).toEqual(['ResourceConsumed']);
    expect(eventsOf(account.when(consume('u2', 'compute.vcpu', '100')))).toEqual([
      expect.objectContaining({ type: 'ResourceConsumed' }),
      {
        type: 'AccountSuspended',
        data: { at: IN_MARCH, reason: 'trial-ended', debt: '0', deleteAt: plus(IN_MARCH, 60 * DAY) },
      },
    ]);
  });

  it('suspends when the grant expires unused', () => {
    const account = given(
      TRIAL,
      periodOpened({}, TRIAL),
      grantIssued('start', '100', '2026-03-20T00:00:00.000Z'),
    );
    expect(typesOf(account.when({ type: 'ExpireGrants', at: '2026-03-19T23:59:59.000Z' }))).toEqual([]);
    expect(typesOf(account.when({ type: 'ExpireGrants', at: '2026-03-20T00:00:00.000Z' }))).toEqual([
      'GrantExpired',
      'AccountSuspended',
    ]);
  });

  it('an upgrade restores a trial suspension; nothing else is restored by it', () => {
    const history = [periodOpened({}, TRIAL), grantIssued('start', '100')];
    const ended = eventsOf(given(TRIAL, ...history).when(consume('u1', 'compute.vcpu', '100')));
    const suspended = given('yc-legal-prepaid', ...history, ...ended);
    expect(typesOf(suspended.when({ type: 'UpgradeFromTrial', at: IN_MARCH }))).toEqual(['AccountRestored']);
    const active = given('yc-legal-prepaid', ...history);
    expect(typesOf(active.when({ type: 'UpgradeFromTrial', at: IN_MARCH }))).toEqual([]);
  });
});
