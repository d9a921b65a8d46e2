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
