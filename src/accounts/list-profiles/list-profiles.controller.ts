import { Controller, Get, Inject } from '@nestjs/common';
import { profileOverviews } from '../../domain/account/profile-overview.js';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';

@Controller('v1/profiles')
export class ListProfilesController {
  constructor(@Inject(ProfileRegistry) private readonly profiles: ProfileRegistry) {}

  /** The policy profiles an account can run under — built in and loaded from POLICY_PROFILES_DIR. */
  @Get()
  @RequireScopes('read')
  list() {
    return { profiles: profileOverviews(this.profiles.list()) };
  }
}
