import { Controller, Get, Inject, Param } from '@nestjs/common';
import Big from 'big.js';
import { BillingService } from '../../application/billing/billing.service.js';
import { CLOCK, type Clock } from '../../application/clock/clock.js';
import { Roles } from '../../http/auth/roles.js';
import { availableFunds, outstandingBills } from '../../domain/ledger/ledger-state.js';
import { AccountIdPipe } from '../account-id.pipe.js';

@Controller('v1/accounts/:accountId')
export class AccountSummaryController {
  constructor(
    private readonly billing: BillingService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Status and why, balance, grants by expiry, credit, debt and open bills, now. */
  @Get()
  @Roles('service', 'ops', 'auditor')
  async summary(@Param('accountId', AccountIdPipe) accountId: string) {
    const account = await this.billing.account(accountId);
    const state = await this.billing.ledgerState(accountId, this.clock.now().toISOString());
    const debt = state.balance.lt(0) ? state.balance.neg() : new Big(0);
    return {
      accountId,
      currency: account.currency,
      payerType: account.payerType,
      profile: { id: account.profileId, version: account.profileVersion },
      period: { id: state.periodId, startsAt: state.startsAt, endsAt: state.endsAt },
      status: { value: state.status, since: state.statusSince },
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
    };
  }
}
