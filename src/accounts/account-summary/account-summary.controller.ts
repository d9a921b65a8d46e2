import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { problem } from '../../platform/http/problem-details.js';
import { isRealInstant } from '../../platform/http/validators.js';
import Big from 'big.js';
import { AccountBook } from '../account-book.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { Roles } from '../../platform/http/auth/roles.js';
import { availableFunds, outstandingBills } from '../../domain/ledger/ledger-state.js';
import { explainStatus, nextDeadlines } from '../../domain/ledger/account-outlook.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';

@Controller('v1/accounts/:accountId')
export class AccountSummaryController {
  constructor(
    private readonly accounts: AccountBook,
    private readonly ledger: LedgerBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Status and why, balance, grants by expiry, credit, debt, open bills and what happens next — now, or as of a past time by
   * effective time (`asOf`) or as it was recorded then (`basis=recorded`). Read-only: it never opens or
   * closes a period, so auditors change nothing by reading.
   */
  @Get()
  @Roles('service', 'ops', 'auditor')
  async summary(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query('asOf') asOf?: string,
    @Query('basis') basis: string = 'effective',
  ) {
    if (asOf !== undefined && !isRealInstant(asOf)) {
      throw problem(
        400,
        'VALIDATION_FAILED',
        'The request is invalid',
        'asOf must be an ISO-8601 time with an offset',
        {
          errors: [
            { field: 'asOf', rule: 'isInstant', message: 'asOf must be an ISO-8601 time with an offset' },
          ],
        },
      );
    }
    if (basis !== 'effective' && basis !== 'recorded') {
      throw problem(
        400,
        'VALIDATION_FAILED',
        'The request is invalid',
        'basis must be effective or recorded',
        {
          errors: [{ field: 'basis', rule: 'isIn', message: 'basis must be effective or recorded' }],
        },
      );
    }
    const account = await this.accounts.account(accountId);
    const at = asOf ? new Date(asOf).toISOString() : this.clock.now().toISOString();
    const state = await this.ledger.stateAsOf(accountId, at, basis);
    const debt = state.balance.lt(0) ? state.balance.neg() : new Big(0);
    return {
      accountId,
      asOf: at,
      basis,
      currency: account.currency,
      payerType: account.payerType,
      profile: { id: account.profileId, version: account.profileVersion },
      period: { id: state.periodId, startsAt: state.startsAt, endsAt: state.endsAt },
      status: explainStatus(state),
      balance: state.balance.toFixed(),
      creditLimit: state.creditLimit.toFixed(),
      availableFunds: availableFunds(state).toFixed(),
      debt: debt.toFixed(),
      grants: [...state.grants.values()]
        .filter((g) => new Big(g.remaining).gt(0))
        .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))
        .map((g) => ({ grantId: g.grantId, kind: g.kind, remaining: g.remaining, expiresAt: g.expiresAt })),
      openBills: [...state.openBills.values()],
      outstandingBills: outstandingBills(state).toFixed(),
      nextDeadlines: nextDeadlines(state),
    };
  }
}
