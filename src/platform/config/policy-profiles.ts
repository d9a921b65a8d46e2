import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { ConfigError } from './config.js';

/** The built-in profiles plus every *.json in POLICY_PROFILES_DIR (in name order), each validated. */
export function loadProfileRegistry(dir: string | undefined): ProfileRegistry {
  const profiles = new ProfileRegistry();
  if (!dir) return profiles;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    try {
      profiles.add(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    } catch (error) {
      throw new ConfigError([`POLICY_PROFILES_DIR: ${file}: ${(error as Error).message}`]);
    }
  }
  return profiles;
}
