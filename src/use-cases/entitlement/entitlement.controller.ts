import { Controller, Get, Inject, Param } from '@nestjs/common';
import { BillingService } from '../../application/billing/billing.service.js';
import { PriceCatalogProvider } from '../../application/catalog/price-catalog.provider.js';
import { CLOCK, type Clock } from '../../application/clock/clock.js';
import { entitlement } from '../../domain/ledger/entitlement.js';
import { Roles } from '../../http/auth/roles.js';
import { AccountIdPipe } from '../account-id.pipe.js';
import { IsExternalIdPipe } from '../external-id.pipe.js';

@Controller('v1/accounts/:accountId/entitlements/:sku')
export class EntitlementController {
  constructor(
    private readonly billing: BillingService,
    private readonly catalog: PriceCatalogProvider,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** May the account start or keep consuming this SKU now, and if not, why. */
  @Get()
  @Roles('service', 'ops', 'auditor')
  async check(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('sku', IsExternalIdPipe) skuId: string,
  ) {
    const now = this.clock.now().toISOString();
    const account = await this.billing.account(accountId);
    const state = await this.billing.ledgerState(accountId, now);
    const sku = this.catalog.catalog.sku(skuId, now, account.currency);
    const answer = entitlement(
      state,
      this.billing.contextFor(account).profile,
      sku
        ? { known: true, category: sku.category, keptWhileStopped: sku.keptWhileSuspended }
        : { known: false },
    );
    return { accountId, sku: skuId, at: now, ...answer };
  }
}
