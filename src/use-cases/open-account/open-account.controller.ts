import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../application/clock/clock.js';
import type { CommandMeta } from '../../application/ledger/command-outcome.js';
import { Roles } from '../../http/auth/roles.js';
import { Meta } from '../../http/command-meta.decorator.js';
import { OpenAccountDto } from './open-account.dto.js';
import { OpenAccountCommand } from './open-account.handler.js';

@Controller('v1/accounts')
export class OpenAccountController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('service')
  open(@Body() body: OpenAccountDto, @Meta() meta: CommandMeta) {
    return this.commands.execute(
      new OpenAccountCommand(
        { ...body, edm: body.edm ?? false, at: body.openedAt ?? this.clock.now().toISOString() },
        meta,
      ),
    );
  }
}
