import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { CommandMeta } from '../commands/command-outcome.js';
import type { AuthenticatedRequest } from './auth/api-key.guard.js';
import { callerLabel } from './auth/api-keys.js';

/** The command's id (from the Idempotency-Key when given), correlation id and actor. */
export const Meta = createParamDecorator((_data: unknown, context: ExecutionContext): CommandMeta => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest & { commandId?: string }>();
  const correlation = request.headers['x-correlation-id'];
  return {
    commandId: request.commandId ?? randomUUID(),
    correlationId: typeof correlation === 'string' && correlation.length <= 128 ? correlation : undefined,
    actor: request.caller ? callerLabel(request.caller) : 'anonymous',
  };
});
