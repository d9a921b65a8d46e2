import { ApiCapability, ApiRead, TEXT } from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Optional, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccountBook } from '../../accounts/account-book.js';
import { DocumentService } from '../document-service.js';
import { issuedDocuments } from '../issued-documents.js';
import { NotFoundError } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import type { Numbered } from '../../domain/documents/index.js';
import { edmUnavailableReason } from '../../domain/documents/edm/upd-xml.js';
import { ReadModels } from '../../../projections/queries/read-models.js';
import { edmFileOf } from './edm-file.js';

/**
 * An issued UPD or VAT invoice as the tax service's XML (format 5.03), for accounts that use EDM: what the
 * EDM operator sends the buyer. Acts, bills and advance VAT invoices have none (404), nor has any document
 * of an account without EDM.
 */
@ApiCapability('Documents', 400, 404)
@Controller('v1/accounts/:accountId')
export class DocumentXmlController {
  constructor(
    private readonly documents: DocumentService,
    private readonly accounts: AccountBook,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  @Get('documents/:number/xml')
  @RequireScopes('read')
  @ApiRead({
    summary: "A document as the tax service's XML",
    description: 'For accounts on electronic document management (EDM).',
    params: [
      { name: 'accountId', description: 'The account', example: 'romashka' },
      { name: 'number', description: 'The document number', example: 'RU-MOSCOW-LLC-2026-000001' },
    ],
    produces: TEXT('application/xml'),
  })
  async xml(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('number') number: string,
    @Res() response: Response,
  ) {
    const facts = await this.accounts.account(accountId);
    const issued = await this.issued(accountId);
    const document = issued.find((d) => d.number === number);
    if (!document) throw new NotFoundError(`Account ${accountId} has no document ${number}`);
    if (!facts.edm) {
      throw new NotFoundError(`Account ${accountId} does not use EDM: its documents have no XML`);
    }
    const unavailable = edmUnavailableReason(document);
    if (unavailable || (document.kind !== 'upd' && document.kind !== 'vat-invoice')) {
      throw new NotFoundError(
        unavailable === 'kind' || unavailable === null
          ? `Document ${number} is a ${document.kind}: only UPDs and VAT invoices have the tax service's XML`
          : `Document ${number} has no tax service's XML: it is not a Russian document in roubles`,
      );
    }
    const file = edmFileOf(document, (id) => issued.find((d) => d.documentId === id));
    response
      .status(200)
      .setHeader('content-type', file.contentType)
      .setHeader('content-disposition', `attachment; filename="${file.fileName}"`);
    response.send(file.content);
  }

  private issued(accountId: string): Promise<Numbered[]> {
    return issuedDocuments(this.readModels, this.documents, accountId);
  }
}
