import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ACCOUNT_ALREADY_CLOSING } from '../../domain/account/close-account.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import {
  CommandRejectedError,
  type CommandMeta,
  type CommandOutcome,
} from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { problem } from '../../platform/http/problem-details.js';
import { CloseAccountDto } from './close-account.dto.js';
import { CloseAccount } from './close-account.command.js';

/** Closing an account at the customer's request (issue 14, item 5). */
@ApiCapability('Accounts', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/closure')
export class CloseAccountController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The customer's own key closes its account (`accounts:write`, the scope it opens and changes accounts
   * with). A second closure is a conflict with the first (409 ACCOUNT_ALREADY_CLOSING); a retry under the
   * same Idempotency-Key replays the first answer.
   */
  @Post()
  @RequireScopes('accounts:write')
  @ApiCommand({
    summary: 'Close an account',
    description:
      'Stops new usage at once (usage whose window ends after now: 422 ACCOUNT_CLOSING), closes the current period early, issues the final documents, refunds the remaining balance and then deletes the account per retention.',
    params: [{ name: 'accountId', description: 'The account', example: 'anna' }],
    body: CloseAccountDto,
    examples: { moving: { value: { reason: 'moving to another provider' } } },
  })
  async close(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: CloseAccountDto,
    @Meta() meta: CommandMeta,
  ): Promise<CommandOutcome> {
    const at = this.clock.now().toISOString();
    try {
      return await this.commands.execute(
        new CloseAccount(
          { accountId, at, ...(body.reason !== undefined ? { reason: body.reason } : {}), by: meta.actor },
          meta,
        ),
      );
    } catch (error) {
      if (error instanceof CommandRejectedError && error.code === ACCOUNT_ALREADY_CLOSING) {
        throw problem(409, ACCOUNT_ALREADY_CLOSING, 'The account is already closing', error.message);
      }
      throw error;
    }
  }
}
