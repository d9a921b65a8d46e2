import { BUILT_IN_PROFILES } from './profiles.js';
import { ProfileRegistry } from './profile-registry.js';
import { InvalidProfileError, validatePolicyProfile } from './validate-profile.js';

describe('policy profiles', () => {
  it('ships the five required built-in profiles and the trial, each valid against the schema', () => {
    expect(BUILT_IN_PROFILES.map((p) => p.id)).toEqual([
      'vk-individual-prepaid',
      'vk-legal-prepaid',
      'vk-legal-postpaid',
      'yc-legal-prepaid',
      'yc-legal-credit',
      'yc-trial',
    ]);
    for (const profile of BUILT_IN_PROFILES) expect(validatePolicyProfile(profile)).toEqual(profile);
  });

  it('carries the documented defaults (§12)', () => {
    const registry = new ProfileRegistry();
    const vk = registry.get('vk-individual-prepaid');
    expect(vk.freeze).toMatchObject({
      enabled: true,
      when: 'below-zero',
      deleteObjectsAfterDays: { neverPaid: 3, paidBefore: 7 },
    });
    expect(vk.freeze.objectStorage).toEqual({ blockAfterDays: 30, deleteAfterBlockedDays: 7 });
    expect(vk.documents.closing).toBe('none');
    const yc = registry.get('yc-legal-credit');
    expect(yc.billing).toMatchObject({ billDueDays: 14, midPeriodBillDueDays: 2, creditLimitAllowed: true });
    expect(yc.suspension).toMatchObject({ deleteAfterDays: 60, noticeDaysBefore: [7, 3, 0] });
    expect(registry.get('vk-legal-prepaid').documents.eligibleChannels).not.toContain('card');
    expect(registry.get('vk-legal-postpaid').freeze.enabled).toBe(false);
  });

  it('lets ops add a new version as data and keeps the old one for accounts that use it', () => {
    const registry = new ProfileRegistry();
    const v1 = registry.get('yc-legal-prepaid');
    registry.add({
      ...structuredClone(v1),
      version: 2,
      suspension: { ...v1.suspension, deleteAfterDays: 90 },
    });
    expect(registry.get('yc-legal-prepaid').version).toBe(2);
    expect(registry.get('yc-legal-prepaid', 1).suspension.deleteAfterDays).toBe(60);
    expect(() => registry.add(v1)).toThrow('already registered');
  });

  it('names every invalid field of a profile', () => {
    const broken = { ...structuredClone(BUILT_IN_PROFILES[0]!), version: 0, colour: 'red' } as Record<
      string,
      unknown
    >;
    (broken.freeze as Record<string, unknown>).when = 'sometimes';
    try {
      validatePolicyProfile(broken);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidProfileError);
      expect((error as InvalidProfileError).problems).toEqual([
        'profile.colour is not a known field',
        'profile.version must be an integer ≥ 1',
        'profile.freeze.when must be one of below-zero, at-or-below-zero',
      ]);
    }
  });

  it('has no delay knobs for restoring or unfreezing: both happen in the payment’s own decision', () => {
    for (const profile of BUILT_IN_PROFILES) {
      expect(profile.freeze).not.toHaveProperty('unfreezeWithinMinutes');
      expect(profile.suspension).not.toHaveProperty('restoreWithinHours');
    }
    const old = structuredClone(BUILT_IN_PROFILES[0]!) as unknown as {
      freeze: Record<string, unknown>;
      suspension: Record<string, unknown>;
    };
    old.freeze.unfreezeWithinMinutes = 15;
    old.suspension.restoreWithinHours = 24;
    expect(() => validatePolicyProfile(old)).toThrow(InvalidProfileError);
    try {
      validatePolicyProfile(old);
    } catch (error) {
      expect((error as InvalidProfileError).problems).toEqual([
        'profile.freeze.unfreezeWithinMinutes was removed: an account is unfrozen by the top-up that makes its balance positive, in the same decision',
        'profile.suspension.restoreWithinHours was removed: an account is restored by the payment that covers its debt, in the same decision',
      ]);
    }
  });
});
