import Big from 'big.js';
import {
  ApiCapability,
  ApiRead,
  ARRAY,
  DECIMAL,
  STRING,
  objectWith,
} from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Optional, Param } from '@nestjs/common';
import { budgetUsage } from '../../domain/alerts/alert-detection.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { ledgerStream } from '../../platform/event-store/stream-names.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { AccountBook } from '../../accounts/account-book.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { accountStatusProjection } from '../../../projections/account-status.projection.js';
import {
  accountBudgetsRecord,
  type AccountBudgetsRecord,
} from '../../../projections/queries/account-budgets.query.js';
import { ReadModels } from '../../../projections/queries/read-models.js';
import { budgetOrder } from '../../domain/alerts/alert-events.js';
import { AlertBook } from '../alert-book.js';
import { foldPeriodLedger, type PeriodLedger } from '../period-ledger.js';

@ApiCapability('Alerts', 400, 404)
@Controller('v1/accounts/:accountId/budgets')
export class ListBudgetsController {
  constructor(
    private readonly accounts: AccountBook,
    private readonly ledger: LedgerBook,
    @Inject(AlertBook) private readonly alerts: AlertBook,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  /** From the account-status read model once caught up; else from the log. Read-only. */
  @Get()
  @RequireScopes('read')
  @ApiRead({
    summary: 'The budgets and their use',
    description:
      'The active budgets with the current period’s spend in their scope and the percent of the amount used.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    response: objectWith({ accountId: STRING, periodId: STRING, spend: DECIMAL, budgets: ARRAY }),
  })
  async list(@Param('accountId', AccountIdPipe) accountId: string) {
    const record = (await this.fromReadModel(accountId)) ?? (await this.fromLog(accountId));
    const spend = [...record.spendByProject.values()].reduce((a, b) => a.plus(b), new Big(0));
    return {
      accountId,
      periodId: record.periodId,
      spend: spend.toFixed(),
      budgets: budgetUsage(record.budgets, record.spendByProject),
    };
  }

  private async fromReadModel(accountId: string): Promise<AccountBudgetsRecord | undefined> {
    if (!this.readModels) return undefined;
    const read = await this.readModels.read(
      'account-summary',
      accountStatusProjection,
      accountBudgetsRecord(accountId),
    );
    return read.served ? read.value : undefined;
  }

  /** The log: the account (404 when unknown), its alerts stream and its latest period's stream. */
  private async fromLog(accountId: string): Promise<AccountBudgetsRecord> {
    await this.accounts.account(accountId);
    const state = await this.alerts.current(accountId);
    const { periodId } = await this.ledger.stateAsOf(accountId, this.clock.now().toISOString(), 'effective');
    const events = periodId ? await this.store.readStream(ledgerStream(accountId, periodId)) : [];
    const period = events.reduce<PeriodLedger | undefined>(foldPeriodLedger, undefined);
    return {
      periodId: periodId || null,
      spendByProject: period?.spendByProject ?? new Map(),
      budgets: [...state.budgets.values()].sort(budgetOrder),
    };
  }
}
