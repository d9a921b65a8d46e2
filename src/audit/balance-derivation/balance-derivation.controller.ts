import {
  ARRAY,
  AS_OF_QUERY,
  ApiCapability,
  ApiRead,
  BASIS_QUERY,
  DECIMAL,
  OBJECT,
  STRING,
  objectWith,
} from '../../platform/http/api-contract.js';
import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccountBook } from '../../accounts/account-book.js';
import { countsAsOf } from '../../ledger/ledger-book.js';
import Big from 'big.js';
import { BalanceDerivation } from '../../domain/ledger/balance-derivation.js';
import { StreamNotFoundError } from '../../platform/event-store/errors.js';
import type { LedgerEvent } from '../../domain/ledger/ledger-events.js';
import { periodOf, previousPeriod } from '../../domain/shared/reporting-period.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { CommandRejectedError } from '../../platform/commands/command-outcome.js';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../platform/event-store/event-store.port.js';
import { ledgerStream } from '../../platform/event-store/stream-names.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { problem } from '../../platform/http/problem-details.js';
import { isSaneInstant, SANE_INSTANTS } from '../../platform/http/validators.js';
import { referenceOf } from '../document-derivation/document-derivations.js';
import { streamWriter } from '../derivation-output.js';

const ASOF_RULE = `asOf must be an ISO-8601 time with an offset, from ${SANE_INSTANTS.from} to ${SANE_INSTANTS.until}`;
const PAGE = 500;

const invalid = (field: string, rule: string, message: string) =>
  problem(400, 'VALIDATION_FAILED', 'The request is invalid', message, {
    errors: [{ field, rule, message }],
  });

const asLedgerEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as LedgerEvent;

/** For auditors: a balance as of a time, as the opening it carried in and every movement since. */
@ApiCapability('Audit', 400, 404)
@Controller('v1/audit/accounts/:accountId')
export class BalanceDerivationController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AccountBook) private readonly accounts: AccountBook,
  ) {}

  /**
   * The period in force at `asOf` (as GET /v1/accounts/:id?asOf&basis picks it): its opening balance with the
   * PeriodOpened that carried it in and the previous period's PeriodClosed that carried it out, then every
   * event of the period that counts by `basis` and moved the balance. Opening + movements = the summary's
   * balance. Streamed: movements are written as the period is read.
   */
  @Get('balance-derivation')
  @RequireScopes('audit')
  @ApiRead({
    summary: 'Derive a balance',
    description:
      'The balance as of a time: the opening carried in (with its events) and every movement since with its event; the sum equals the summary’s balance as of that time.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    query: [AS_OF_QUERY, BASIS_QUERY],
    response: objectWith({
      accountId: STRING,
      opening: OBJECT,
      movements: ARRAY,
      sum: DECIMAL,
      balance: DECIMAL,
    }),
  })
  @Header('cache-control', 'no-store')
  async derivation(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Res() response: Response,
    @Query('asOf') asOf?: string,
    @Query('basis') basis: string = 'effective',
  ): Promise<void> {
    if (asOf !== undefined && !isSaneInstant(asOf)) throw invalid('asOf', 'isInstant', ASOF_RULE);
    if (basis !== 'effective' && basis !== 'recorded')
      throw invalid('basis', 'isIn', 'basis must be effective or recorded');
    const account = await this.accounts.account(accountId);
    const at = asOf ? new Date(asOf).toISOString() : this.clock.now().toISOString();
    if (Date.parse(at) < Date.parse(account.openedAt))
      throw new CommandRejectedError(
        'BEFORE_ACCOUNT_OPENED',
        `The account was opened at ${account.openedAt}`,
        'asOf',
      );
    // The latest period that exists at or before asOf: where the summary's state comes from.
    let period = periodOf(at, account.timeZone);
    let stream: string | undefined;
    while (period.id >= account.openingPeriodId) {
      if ((await this.store.streamRevision(ledgerStream(accountId, period.id))) !== undefined) {
        stream = ledgerStream(accountId, period.id);
        break;
      }
      period = previousPeriod(period);
    }
    const carriedBy =
      stream !== undefined && period.id > account.openingPeriodId
        ? await this.closeOf(ledgerStream(accountId, previousPeriod(period).id))
        : null;

    const out = streamWriter(response);
    response.status(200).type('application/json; charset=utf-8');
    await out.write(
      `{"accountId":${JSON.stringify(accountId)},"asOf":"${at}","basis":"${basis}","currency":"${account.currency}",` +
        `"periodId":${JSON.stringify(stream ? period.id : null)},`,
    );
    const derivation = new BalanceDerivation();
    const limit = Date.parse(at);
    // The auditor's own addition, kept apart from the ledger state: opening + each movement as written.
    let sum = new Big(0);
    let first = true;
    let from = 0;
    while (stream !== undefined) {
      const page = await this.store.readStream(stream, { fromRevision: from, maxCount: PAGE });
      for (const event of page) {
        if (event.revision > 0 && !countsAsOf(event, limit, basis)) continue;
        const movement = derivation.add(asLedgerEvent(event));
        if (event.revision === 0) {
          sum = new Big(derivation.opening);
          await out.write(
            `"opening":${JSON.stringify({ balance: derivation.opening, event: referenceOf(event), carriedBy })},"movements":[`,
          );
          continue;
        }
        if (!movement) continue;
        sum = sum.plus(movement.amount);
        await out.write((first ? '\n' : ',\n') + JSON.stringify({ ...movement, event: referenceOf(event) }));
        first = false;
      }
      if (page.length < PAGE) break;
      from = page.at(-1)!.revision + 1;
    }
    if (stream === undefined)
      await out.write(`"opening":{"balance":"0","event":null,"carriedBy":null},"movements":[`);
    await out.write(
      `],\n"sum":"${sum.toFixed()}","balance":"${derivation.balance}","reconciles":${sum.eq(derivation.balance)}}\n`,
    );
    response.end();
  }

  /** The PeriodClosed that carried the previous period's state out (the close appends it last). */
  private async closeOf(stream: string) {
    try {
      const tail = await this.store.readStream(stream, { direction: 'backwards', maxCount: 3 });
      const closed = tail.find((e) => e.type === 'PeriodClosed');
      return closed
        ? {
            ...referenceOf(closed),
            closingBalance: (closed.data as { closingBalance: string }).closingBalance,
          }
        : null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }
}
