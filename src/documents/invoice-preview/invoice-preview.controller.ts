import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ARRAY,
  ApiCapability,
  ApiRead,
  OBJECT,
  STRING,
  objectWith,
} from '../../platform/http/api-contract.js';
import { ClosePreviewRefusedError } from '../../domain/documents/index.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { problem } from '../../platform/http/problem-details.js';
import { isSaneInstant, SANE_INSTANTS } from '../../platform/http/validators.js';
import { PreviewInvoice, type InvoicePreview } from './invoice-preview.query.js';

const ASOF_RULE = `asOf must be an ISO-8601 time with an offset, from ${SANE_INSTANTS.from} to ${SANE_INSTANTS.until}`;

/** The open period's would-be documents and totals (issue 14, item 6): read-only, nothing is stored. */
@ApiCapability('Documents', 400, 404, 422)
@Controller('v1/accounts/:accountId')
export class InvoicePreviewController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('preview')
  @RequireScopes('read')
  @ApiRead({
    summary: "The open period's invoice preview",
    description:
      'The act, VAT invoice or UPD, advance VAT invoice and period bill the close of the open period would issue, ' +
      'composed by the close itself from the ledger as of `asOf` (now when absent): unnumbered (`number: null`, ' +
      '`preview: true`), dated as they would be, with the totals and the amount to pay. Stores nothing.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    query: [
      {
        name: 'asOf',
        description: 'The ledger as of this time (ISO-8601 with an offset); now when absent',
        schema: { type: 'string', format: 'date-time', example: '2026-03-10T12:00:00+03:00' },
      },
    ],
    response: objectWith({
      accountId: STRING,
      asOf: { type: 'string', format: 'date-time' },
      preview: { type: 'boolean', enum: [true] },
      periodId: STRING,
      closesAt: { type: 'string', format: 'date-time' },
      currency: STRING,
      totals: OBJECT,
      documents: ARRAY,
    }),
  })
  async preview(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Query('asOf') asOf?: string,
  ): Promise<InvoicePreview> {
    if (asOf !== undefined && !isSaneInstant(asOf)) {
      throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', ASOF_RULE, {
        errors: [{ field: 'asOf', rule: 'isInstant', message: ASOF_RULE }],
      });
    }
    const at = asOf ? new Date(asOf).toISOString() : this.clock.now().toISOString();
    try {
      return await this.queries.execute(new PreviewInvoice(accountId, at));
    } catch (error) {
      if (error instanceof ClosePreviewRefusedError)
        throw problem(422, error.code, 'Nothing to preview', error.message);
      throw error;
    }
  }
}
