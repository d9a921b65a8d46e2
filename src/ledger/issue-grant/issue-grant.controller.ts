import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  EFFECTIVE_TIME_WINDOW,
  assertWithinEffectiveTimeWindow,
  type EffectiveTimeWindow,
} from '../../platform/http/effective-time.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { CommandRejectedError, type CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { IssueGrant } from './issue-grant.command.js';
import { IssueGrantDto, START_GRANT_DAYS, START_GRANT_EXCLUDED } from './issue-grant.dto.js';

const DAY_MS = 86_400_000;

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/grants')
export class IssueGrantController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EFFECTIVE_TIME_WINDOW) private readonly window: EffectiveTimeWindow,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('grants:write')
  @ApiCommand({
    summary: 'Issue a grant',
    description:
      'Money spent before the balance: start grants last 60 days and exclude GPU clusters, paid support and marketplace.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    body: IssueGrantDto,
    examples: { start: { value: { grantId: 'start-1', kind: 'start', amount: '1000.00', currency: 'RUB' } } },
  })
  issue(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: IssueGrantDto,
    @Meta() meta: CommandMeta,
  ) {
    if (body.kind !== 'start' && !body.expiresAt) {
      throw new CommandRejectedError(
        'EXPIRY_REQUIRED',
        'expiresAt is required for grants other than start grants',
        'expiresAt',
      );
    }
    const now = this.clock.now();
    assertWithinEffectiveTimeWindow(body.issuedAt, 'issuedAt', now, this.window);
    const at = body.issuedAt ?? now.toISOString();
    const expiresAt = body.expiresAt ?? new Date(Date.parse(at) + START_GRANT_DAYS * DAY_MS).toISOString();
    return this.commands.execute(
      new IssueGrant(
        accountId,
        body.currency,
        {
          grantId: body.grantId,
          kind: body.kind,
          amount: body.amount,
          expiresAt: new Date(expiresAt).toISOString(),
          categories: body.categories ?? 'all',
          excludedCategories: body.excludedCategories ?? (body.kind === 'start' ? START_GRANT_EXCLUDED : []),
          priority: body.priority ?? 0,
          at,
        },
        meta,
      ),
    );
  }
}
