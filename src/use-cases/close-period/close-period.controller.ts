import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { BillingService } from '../../application/billing/billing.service.js';
import { CommandRejectedError } from '../../application/ledger/command-outcome.js';
import { Roles } from '../../http/auth/roles.js';
import { nextPeriod, periodById } from '../../domain/shared/reporting-period.js';
import { AccountIdPipe } from '../account-id.pipe.js';

const PERIOD_ID = /^\d{4}-(0[1-9]|1[0-2])$/;

@Controller('v1/accounts/:accountId/periods/:periodId/close')
export class ClosePeriodController {
  constructor(private readonly billing: BillingService) {}

  /** Closes a reporting period that has ended (idempotent) and opens the next one with its carry-over. */
  @Post()
  @HttpCode(200)
  @Roles('service', 'ops')
  async close(@Param('accountId', AccountIdPipe) accountId: string, @Param('periodId') periodId: string) {
    if (!PERIOD_ID.test(periodId)) {
      throw new CommandRejectedError('INVALID_PERIOD', 'periodId must be YYYY-MM', 'periodId');
    }
    const account = await this.billing.account(accountId);
    const period = periodById(periodId, account.timeZone);
    const next = nextPeriod(period);
    const state = await this.billing.ledgerState(accountId, next.startsAt);
    return {
      accountId,
      closedPeriod: period.id,
      openPeriod: state.periodId,
      carried: state.phase === 'open',
    };
  }
}
