import { Body, Controller, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { BillingService } from '../../application/billing/billing.service.js';
import { CLOCK, type Clock } from '../../application/clock/clock.js';
import type { CommandMeta } from '../../application/ledger/command-outcome.js';
import { Roles } from '../../http/auth/roles.js';
import { Meta } from '../../http/command-meta.decorator.js';
import { LegalDetailsDto } from '../open-account/open-account.dto.js';
import { AccountIdPipe } from '../account-id.pipe.js';
import { ChangeContractDto } from './change-contract.dto.js';

/** Account terms after opening: the contract, scheme and profile, and the legal details. */
@Controller('v1/accounts/:accountId')
export class ChangeContractController {
  constructor(
    private readonly billing: BillingService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put('contract')
  @HttpCode(200)
  @Roles('service')
  change(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: ChangeContractDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.billing.changeContract({ accountId, ...body, at: this.clock.now().toISOString() }, meta);
  }

  @Put('legal-details')
  @HttpCode(200)
  @Roles('service')
  legalDetails(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: LegalDetailsDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.billing.addLegalDetails(
      { accountId, legalDetails: { ...body }, at: this.clock.now().toISOString() },
      meta,
    );
  }
}
