import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Controller, Delete, HttpCode, Inject, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { IsExternalIdPipe } from '../../platform/http/external-id.pipe.js';
import { EndBudget } from './end-budget.command.js';

@ApiCapability('Alerts', 400, 404)
@Controller('v1/accounts/:accountId/budgets/:budgetId')
export class EndBudgetController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Delete()
  @HttpCode(200)
  @RequireScopes('accounts:write')
  @ApiCommand({
    method: 'DELETE',
    summary: 'End a budget',
    description: 'Stored as BudgetEnded (never an edit): the budget alerts no more. Again: `duplicate`.',
    params: [
      { name: 'accountId', description: 'The account', example: 'romashka' },
      { name: 'budgetId', description: 'The budget', example: 'monthly' },
    ],
  })
  end(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('budgetId', IsExternalIdPipe) budgetId: string,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(new EndBudget(accountId, budgetId, this.clock.now().toISOString(), meta));
  }
}
