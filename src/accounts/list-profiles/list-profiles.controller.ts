import { ARRAY, ApiCapability, ApiRead, objectWith } from '../../platform/http/api-contract.js';
import { Controller, Get, Inject } from '@nestjs/common';
import { profileOverviews } from '../../domain/account/profile-overview.js';
import { ProfileRegistry } from '../../domain/policies/profile-registry.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';

@ApiCapability('Accounts')
@Controller('v1/profiles')
export class ListProfilesController {
  constructor(@Inject(ProfileRegistry) private readonly profiles: ProfileRegistry) {}

  /** The policy profiles an account can run under — built in and loaded from POLICY_PROFILES_DIR. */
  @Get()
  @RequireScopes('read')
  @ApiRead({
    summary: 'List the policy profiles',
    description: 'Each profile at its latest version with the parameters a person choosing one needs.',
    response: objectWith({ profiles: ARRAY }),
  })
  list() {
    return { profiles: profileOverviews(this.profiles.list()) };
  }
}
