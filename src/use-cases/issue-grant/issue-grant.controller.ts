import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { BillingService } from '../../application/billing/billing.service.js';
import { CLOCK, type Clock } from '../../application/clock/clock.js';
import { CommandRejectedError, type CommandMeta } from '../../application/ledger/command-outcome.js';
import { Roles } from '../../http/auth/roles.js';
import { Meta } from '../../http/command-meta.decorator.js';
import { AccountIdPipe } from '../account-id.pipe.js';
import { RunLedgerCommand } from '../run-ledger-command.js';
import { IssueGrantDto, START_GRANT_DAYS, START_GRANT_EXCLUDED } from './issue-grant.dto.js';

const DAY_MS = 86_400_000;

@Controller('v1/accounts/:accountId/grants')
export class IssueGrantController {
  constructor(
    private readonly commands: CommandBus,
    private readonly billing: BillingService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('service')
  async issue(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: IssueGrantDto,
    @Meta() meta: CommandMeta,
  ) {
    await this.billing.accountInCurrency(accountId, body.currency);
    if (body.kind !== 'start' && !body.expiresAt) {
      throw new CommandRejectedError(
        'EXPIRY_REQUIRED',
        'expiresAt is required for grants other than start grants',
        'expiresAt',
      );
    }
    const at = body.issuedAt ?? this.clock.now().toISOString();
    const expiresAt = body.expiresAt ?? new Date(Date.parse(at) + START_GRANT_DAYS * DAY_MS).toISOString();
    return this.commands.execute(
      new RunLedgerCommand(
        accountId,
        at,
        {
          type: 'IssueGrant',
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
