import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
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
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('accounts:write')
  open(@Body() body: OpenAccountDto, @Meta() meta: CommandMeta) {
    return this.commands.execute(
      new OpenAccount(
        { ...body, edm: body.edm ?? false, at: body.openedAt ?? this.clock.now().toISOString() },
        meta,
      ),
    );
  }
}
