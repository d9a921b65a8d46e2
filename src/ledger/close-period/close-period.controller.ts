import { ApiCapability, ApiCommand, objectWith, STRING } from '../../platform/http/api-contract.js';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandRejectedError } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { ClosePeriod } from './close-period.command.js';

/** A calendar month of the years 2000 to 2999: 9999-12 would end in year 10000, which no date can spell. */
const PERIOD_ID = /^2\d{3}-(0[1-9]|1[0-2])$/;

@ApiCapability('Ledger', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/periods/:periodId/close')
export class ClosePeriodController {
  constructor(private readonly commands: CommandBus) {}

  /** Closes a reporting period that has ended (idempotent) and opens the next one with its carry-over. */
  @Post()
  @HttpCode(200)
  @RequireScopes('periods:write')
  @ApiCommand({
    summary: 'Close a billing period',
    description:
      'Closes the month (after its end) and issues its documents; the month end does this by itself.',
    status: 200,
    params: [
      { name: 'accountId', description: 'The account', example: 'romashka' },
      { name: 'periodId', description: 'The month, YYYY-MM', example: '2026-03' },
    ],
    response: objectWith({ accountId: STRING, closedPeriod: STRING, openPeriod: STRING }),
  })
  close(@Param('accountId', AccountIdPipe) accountId: string, @Param('periodId') periodId: string) {
    if (!PERIOD_ID.test(periodId)) {
      throw new CommandRejectedError(
        'INVALID_PERIOD',
        'periodId must be YYYY-MM, a month from 2000-01 to 2999-12',
        'periodId',
      );
    }
    return this.commands.execute(new ClosePeriod(accountId, periodId));
  }
}
