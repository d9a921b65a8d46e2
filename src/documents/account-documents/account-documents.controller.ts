import {
  ApiCapability,
  ApiRead,
  BINARY,
  OBJECT,
  STRING,
  objectWith,
} from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Optional, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccountBook } from '../../accounts/account-book.js';
import { renderDocumentPdf } from '../document-pdf.js';
import { DocumentService } from '../document-service.js';
import { issuedDocuments } from '../issued-documents.js';
import { NotFoundError } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import type { Numbered } from '../../domain/documents/index.js';
import { withheldDocuments } from '../../../projections/queries/documents.query.js';
import { documentsProjection } from '../../../projections/documents.projection.js';
import { ReadModels } from '../../../projections/queries/read-models.js';

/** An account's issued documents: the list, one as JSON, one as PDF (read-only). */
@ApiCapability('Documents', 400, 404)
@Controller('v1/accounts/:accountId')
export class AccountDocumentsController {
  constructor(
    private readonly documents: DocumentService,
    private readonly accounts: AccountBook,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  @Get('documents')
  @RequireScopes('read')
  @ApiRead({
    summary: "An account's documents",
    description: 'Acts, VAT invoices and bills issued to the account.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    response: {
      type: 'array',
      items: objectWith({ number: STRING, kind: STRING, date: STRING, periodId: STRING, totals: OBJECT }),
    },
  })
  async list(@Param('accountId', AccountIdPipe) accountId: string) {
    await this.accounts.account(accountId);
    const documents = await this.issued(accountId);
    return documents.map((d) => ({
      number: d.number,
      kind: d.kind,
      date: d.date,
      periodId: d.periodId,
      totals: d.totals,
    }));
  }

  /**
   * Documents withheld now — a close or a bill whose documents cannot be composed yet (legal details
   * missing …), with the rule and since when; issued once the cause is gone (dated as numbering allows).
   */
  @Get('withheld-documents')
  @RequireScopes('read')
  @ApiRead({
    summary: 'Documents withheld now',
    description: 'Closes or bills whose documents wait (legal details missing …): the rule and since when.',
    params: [{ name: 'accountId', description: 'The account', example: 'romashka' }],
    response: { type: 'array', items: OBJECT },
  })
  async withheld(@Param('accountId', AccountIdPipe) accountId: string) {
    await this.accounts.account(accountId);
    const read = await this.readModels?.read(
      'account-documents',
      documentsProjection,
      withheldDocuments(accountId),
    );
    if (read?.served && read.value) return read.value;
    return this.documents.withheldOf(accountId);
  }

  @Get('documents/:number')
  @RequireScopes('read')
  @ApiRead({
    summary: 'One document',
    description: 'Its parties, lines and totals, as issued.',
    params: [
      { name: 'accountId', description: 'The account', example: 'romashka' },
      { name: 'number', description: 'The document number', example: 'RU-MOSCOW-LLC-2026-000001' },
    ],
    response: objectWith({
      kind: STRING,
      documentId: STRING,
      accountId: STRING,
      periodId: STRING,
      date: STRING,
      currency: STRING,
    }),
  })
  async get(@Param('accountId', AccountIdPipe) accountId: string, @Param('number') number: string) {
    return this.find(accountId, number);
  }

  @Get('documents/:number/pdf')
  @RequireScopes('read')
  @ApiRead({
    summary: 'A document as PDF',
    params: [
      { name: 'accountId', description: 'The account', example: 'romashka' },
      { name: 'number', description: 'The document number', example: 'RU-MOSCOW-LLC-2026-000001' },
    ],
    produces: BINARY('application/pdf'),
  })
  async pdf(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('number') number: string,
    @Res() response: Response,
  ) {
    const document = await this.find(accountId, number);
    // A VAT invoice names the act it accompanies (line 5а) by number.
    const basisDocument =
      document.kind === 'vat-invoice'
        ? (await this.issued(accountId)).find((d) => d.documentId === document.basisDocumentId)
        : undefined;
    const pdf = await renderDocumentPdf(document, basisDocument ? { basisDocument } : {});
    response
      .type('application/pdf')
      .setHeader('content-disposition', `inline; filename="${document.number}.pdf"`);
    response.send(pdf);
  }

  private async find(accountId: string, number: string) {
    await this.accounts.account(accountId);
    const document = (await this.issued(accountId, number)).find((d) => d.number === number);
    if (!document) throw new NotFoundError(`Account ${accountId} has no document ${number}`);
    return document;
  }

  private issued(accountId: string, number?: string): Promise<Numbered[]> {
    return issuedDocuments(this.readModels, this.documents, accountId, number);
  }
}
