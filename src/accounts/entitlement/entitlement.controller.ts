import { ApiCapability, ApiRead, STRING, objectWith } from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Param } from '@nestjs/common';
import { AccountBook } from '../account-book.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { PriceCatalogProvider } from '../../ledger/price-catalog.provider.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { entitlement } from '../../domain/ledger/entitlement.js';
import { closingEntitlement } from '../../domain/ledger/decisions/close-account.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { IsExternalIdPipe } from '../../platform/http/external-id.pipe.js';

@ApiCapability('Accounts', 400, 404)
@Controller('v1/accounts/:accountId/entitlements/:sku')
export class EntitlementController {
  constructor(
    private readonly accounts: AccountBook,
    private readonly ledger: LedgerBook,
    private readonly catalog: PriceCatalogProvider,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** May the account start or keep consuming this SKU now, and if not, why. */
  @Get()
  @RequireScopes('read')
  @ApiRead({
    summary: 'May the account consume a SKU now',
    description: 'Allowed now, and if not, why (status, funds, grant restrictions). Read-only.',
    params: [
      { name: 'accountId', description: 'The account', example: 'romashka' },
      { name: 'sku', description: 'A catalog SKU id', example: 'compute.vcpu.hour' },
    ],
    response: objectWith({
      accountId: STRING,
      sku: STRING,
      at: { type: 'string', format: 'date-time' },
      allowed: { type: 'boolean' },
    }),
  })
  async check(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('sku', IsExternalIdPipe) skuId: string,
  ) {
    const now = this.clock.now().toISOString();
    const account = await this.accounts.account(accountId);
    // Read-only: the state as of now, opening and closing nothing (a period past its end stays for its deadline).
    const state = await this.ledger.stateAsOf(accountId, now);
    const sku = this.catalog.catalog.sku(skuId, now, account.currency);
    // A closing account (issue 14, item 5) takes no new usage, whatever its status and funds.
    const answer =
      closingEntitlement(account.closureRequestedAt, now) ??
      entitlement(
        state,
        this.ledger.contextFor(account).profile,
        sku
          ? { known: true, category: sku.category, keptWhileStopped: sku.keptWhileSuspended }
          : { known: false },
      );
    return { accountId, sku: skuId, at: now, ...answer };
  }
}
