import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { SetBudget } from './set-budget.command.js';
import { SetBudgetDto } from './set-budget.dto.js';

@ApiCapability('Alerts', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/budgets')
export class SetBudgetController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('accounts:write')
  @ApiCommand({
    summary: 'Set a budget',
    description:
      'A monthly budget on the account’s spend or a project’s; each threshold crossed in a period raises one alert (webhook and e-mail).',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    body: SetBudgetDto,
    examples: {
      account: { value: { budgetId: 'monthly', scope: 'account', amount: '50000.00' } },
      project: {
        value: {
          budgetId: 'web-shop',
          scope: 'project:web-shop',
          amount: '10000.00',
          thresholds: [50, 90],
          channels: ['webhook'],
        },
      },
    },
  })
  set(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: SetBudgetDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(new SetBudget(accountId, body, this.clock.now().toISOString(), meta));
  }
}
