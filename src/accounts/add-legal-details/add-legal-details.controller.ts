import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { LegalDetailsDto } from '../open-account/open-account.dto.js';
import { AddLegalDetails } from './add-legal-details.command.js';

/** Legal details added after opening (a legal entity's closing documents wait for them). */
@Controller('v1/accounts/:accountId/legal-details')
export class AddLegalDetailsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put()
  @HttpCode(200)
  @RequireScopes('accounts:write')
  add(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: LegalDetailsDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(
      new AddLegalDetails(accountId, { ...body }, this.clock.now().toISOString(), meta),
    );
  }
}
