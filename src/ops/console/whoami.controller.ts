import { ApiCapability, ApiRead, STRING, objectWith } from '../../platform/http/api-contract.js';
import { Controller, Get, Req } from '@nestjs/common';
import type { AuthenticatedRequest } from '../../platform/http/auth/api-key.guard.js';
import { AnyValidKey } from '../../platform/http/auth/roles.js';

export interface Whoami {
  name: string;
  role?: string;
  scopes: readonly string[];
}

/** The key the caller presents, as the service knows it: the console shows only what its scopes allow. */
@ApiCapability('Ops')
@Controller('v1/whoami')
export class WhoamiController {
  @Get()
  @AnyValidKey()
  @ApiRead({
    summary: 'The caller’s key',
    description:
      'The name and scopes of the presented API key (any valid key): the console shows what they allow.',
    response: objectWith({ name: STRING, role: STRING, scopes: { type: 'array', items: STRING } }),
  })
  whoami(@Req() request: AuthenticatedRequest): Whoami {
    // The guard set the caller (AnyValidKey still refuses a missing or unknown key with 401).
    const caller = request.caller!;
    return { name: caller.name, ...(caller.role ? { role: caller.role } : {}), scopes: caller.scopes };
  }
}
