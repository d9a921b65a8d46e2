import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
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
import { OpenAccountDto } from './open-account.dto.js';
import { OpenAccount } from './open-account.command.js';

@Controller('v1/accounts')
export class OpenAccountController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EFFECTIVE_TIME_WINDOW) private readonly window: EffectiveTimeWindow,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('accounts:write')
  open(@Body() body: OpenAccountDto, @Meta() meta: CommandMeta) {
    const now = this.clock.now();
    // An opening in 1900 would back-fill every month since; one in 2100 would refuse every top-up until then.
    assertWithinEffectiveTimeWindow(body.openedAt, 'openedAt', now, this.window);
    return this.commands.execute(
      new OpenAccount({ ...body, edm: body.edm ?? false, at: body.openedAt ?? now.toISOString() }, meta),
    );
  }
}
