import { SetMetadata } from '@nestjs/common';
import type { Role } from './api-keys.js';

export const ROLES_KEY = 'billing:roles';
export const PUBLIC_KEY = 'billing:public';

/** Declares which roles may call a route. A route that declares nothing is refused to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Health probes: no key needed. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
