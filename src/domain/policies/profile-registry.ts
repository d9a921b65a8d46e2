import { BUILT_IN_PROFILES } from './profiles.js';
import type { PolicyProfile } from './policy-profile.js';
import { validatePolicyProfile } from './validate-profile.js';

export class UnknownProfileError extends Error {
  override readonly name = 'UnknownProfileError';
  readonly code = 'PROFILE_UNKNOWN';
}

/** All known profile versions. An account keeps the version it was opened (or last changed) with. */
export class ProfileRegistry {
  private readonly byKey = new Map<string, PolicyProfile>();

  constructor(profiles: readonly PolicyProfile[] = BUILT_IN_PROFILES) {
    for (const profile of profiles) this.add(profile);
  }

  /** Adds a profile from ops (parsed JSON); throws naming every invalid field. */
  add(candidate: unknown): PolicyProfile {
    const profile = validatePolicyProfile(candidate);
    const key = `${profile.id}@${profile.version}`;
    if (this.byKey.has(key))
      throw new Error(`Profile ${key} is already registered: publish a new version instead`);
    this.byKey.set(key, profile);
    return profile;
  }

  /** A given version, or the latest when no version is given. */
  get(id: string, version?: number): PolicyProfile {
    if (version !== undefined) {
      const profile = this.byKey.get(`${id}@${version}`);
      if (!profile) throw new UnknownProfileError(`Profile ${id} version ${version} is not known`);
      return profile;
    }
    const versions = [...this.byKey.values()].filter((p) => p.id === id);
    if (versions.length === 0) throw new UnknownProfileError(`Profile ${id} is not known`);
    return versions.reduce((a, b) => (b.version > a.version ? b : a));
  }

  list(): PolicyProfile[] {
    return [...this.byKey.values()];
  }
}
