import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
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
@ApiCapability('Accounts', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/legal-details')
export class AddLegalDetailsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put()
  @HttpCode(200)
  @RequireScopes('accounts:write')
  @ApiCommand({
    method: 'PUT',
    summary: "Set a payer's legal details",
    description:
      'Name, INN/BIN, KPP and address printed on documents; documents withheld for missing details are issued once they are given.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    body: LegalDetailsDto,
    examples: {
      llc: {
        value: {
          name: 'ООО «Ромашка»',
          taxId: '7707083893',
          kpp: '773601001',
          address: 'Москва, ул. Ленина, 1',
        },
      },
    },
  })
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
