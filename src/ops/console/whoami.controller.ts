import { Controller, Get, Req } from '@nestjs/common';
import type { AuthenticatedRequest } from '../../platform/http/auth/api-key.guard.js';
import { AnyValidKey } from '../../platform/http/auth/roles.js';

export interface Whoami {
  name: string;
  role?: string;
  scopes: readonly string[];
}

/** The key the caller presents, as the service knows it: the console shows only what its scopes allow. */
@Controller('v1/whoami')
export class WhoamiController {
  @Get()
  @AnyValidKey()
  whoami(@Req() request: AuthenticatedRequest): Whoami {
    // The guard set the caller (AnyValidKey still refuses a missing or unknown key with 401).
    const caller = request.caller!;
    return { name: caller.name, ...(caller.role ? { role: caller.role } : {}), scopes: caller.scopes };
  }
}
