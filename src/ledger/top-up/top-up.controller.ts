import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  EFFECTIVE_TIME_WINDOW,
  assertWithinEffectiveTimeWindow,
  type EffectiveTimeWindow,
} from '../../platform/http/effective-time.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { TopUp } from './top-up.command.js';
import { TopUpDto } from './top-up.dto.js';

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/top-ups')
export class TopUpController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EFFECTIVE_TIME_WINDOW) private readonly window: EffectiveTimeWindow,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('payments:write')
  @ApiCommand({
    summary: 'Top up an account',
    description: 'Money received; the same payment id twice takes effect once. `paidAt` defaults to now.',
    params: [{ name: 'accountId', description: 'The account', example: 'anna' }],
    body: TopUpDto,
    examples: {
      card: { value: { paymentId: 'pay-2026-0001', amount: '500.00', currency: 'RUB', channel: 'card' } },
    },
  })
  topUp(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: TopUpDto,
    @Meta() meta: CommandMeta,
  ) {
    const { paymentId, amount, currency, channel } = body;
    const now = this.clock.now();
    assertWithinEffectiveTimeWindow(body.paidAt, 'paidAt', now, this.window);
    const at = body.paidAt ?? now.toISOString();
    return this.commands.execute(new TopUp(accountId, { paymentId, amount, currency, channel, at }, meta));
  }
}
