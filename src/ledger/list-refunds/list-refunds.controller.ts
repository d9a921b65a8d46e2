import { ApiCapability, ApiRead, DECIMAL, STRING, objectWith } from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Param } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { NotFoundError } from '../../platform/commands/command-outcome.js';
import { accountRefunds } from '../../../projections/refunds.projection.js';
import { accountStatusProjection } from '../../../projections/account-status.projection.js';
import { queryFromLog } from '../../../projections/queries/from-log.js';
import { ReadModels } from '../../../projections/queries/read-models.js';

const NULLABLE_STRING = { type: 'string', nullable: true } as const;

@ApiCapability('Ledger', 400, 404)
@Controller('v1/accounts/:accountId/refunds')
export class ListRefundsController {
  constructor(
    @Inject(ReadModels) private readonly readModels: ReadModels,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * The account's refunds, oldest first, with their status and parts: each refund is the credit note's data
   * (which payments are returned, by which channel, how much). Served from the account-status read model's
   * refunds tables once it has caught up with the log, else folded from the log by the same projection.
   */
  @Get()
  @RequireScopes('read')
  @ApiRead({
    summary: "An account's refunds (credit notes)",
    description:
      'Each refund with its status (requested, completed, failed, partly-completed) and the payments it returns.',
    params: [{ name: 'accountId', description: 'The account', example: 'anna' }],
    response: objectWith({
      accountId: STRING,
      refunds: {
        type: 'array',
        items: objectWith({
          refundId: STRING,
          amount: DECIMAL,
          currency: STRING,
          status: STRING,
          reason: STRING,
          requestedBy: STRING,
          requestedAt: { type: 'string', format: 'date-time' },
          settledAt: NULLABLE_STRING,
          parts: {
            type: 'array',
            items: objectWith({
              paymentId: STRING,
              channel: STRING,
              amount: DECIMAL,
              outcome: STRING,
              gatewayReference: NULLABLE_STRING,
              failureReason: NULLABLE_STRING,
              answeredAt: NULLABLE_STRING,
            }),
          },
        }),
      },
    }),
  })
  async list(@Param('accountId', AccountIdPipe) accountId: string) {
    const query = accountRefunds(accountId);
    const read = await this.readModels.read('refunds', accountStatusProjection, query);
    const refunds = read.served ? read.value : await queryFromLog(this.store, accountStatusProjection, query);
    if (!refunds) throw new NotFoundError(`Account ${accountId} not found`);
    return { accountId, refunds };
  }
}
