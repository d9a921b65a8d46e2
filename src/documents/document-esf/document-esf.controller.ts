import {
  ARRAY,
  ApiCapability,
  ApiRead,
  OBJECT,
  STRING,
  objectWith,
} from '../../platform/http/api-contract.js';
import { Controller, Get, Inject, Optional, Param } from '@nestjs/common';
import { AccountBook } from '../../accounts/account-book.js';
import { DocumentService } from '../document-service.js';
import { issuedDocuments } from '../issued-documents.js';
import { NotFoundError } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import type { Numbered } from '../../domain/documents/index.js';
import { EsfUnavailableError, esfDataFor } from '../../domain/documents/esf/esf-data.js';
import { ReadModels } from '../../../projections/queries/read-models.js';

/**
 * A Kazakh issuer's VAT invoice as the data of the electronic invoice (ЭСФ) the state system takes — what an
 * integration submits to ИС ЭСФ (the submission itself is outside the engine). Other documents: 404.
 */
@ApiCapability('Documents', 400, 404)
@Controller('v1/accounts/:accountId')
export class DocumentEsfController {
  constructor(
    private readonly documents: DocumentService,
    private readonly accounts: AccountBook,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  @Get('documents/:number/esf')
  @RequireScopes('read')
  @ApiRead({
    summary: 'A Kazakh VAT invoice as ESF data',
    description: 'The electronic invoice (ЭСФ) data as JSON; 404 for any other document.',
    params: [
      { name: 'accountId', description: 'The account', example: 'kaz-tech' },
      { name: 'number', description: 'The document number' },
    ],
    response: objectWith({
      format: STRING,
      number: STRING,
      date: STRING,
      seller: OBJECT,
      customer: OBJECT,
      currencyCode: STRING,
      lines: ARRAY,
      totals: OBJECT,
    }),
  })
  async esf(@Param('accountId', AccountIdPipe) accountId: string, @Param('number') number: string) {
    await this.accounts.account(accountId);
    const document = (await this.issued(accountId)).find((d) => d.number === number);
    if (!document) throw new NotFoundError(`Account ${accountId} has no document ${number}`);
    try {
      return esfDataFor(document);
    } catch (error) {
      if (error instanceof EsfUnavailableError) throw new NotFoundError(error.message);
      throw error;
    }
  }

  private issued(accountId: string): Promise<Numbered[]> {
    return issuedDocuments(this.readModels, this.documents, accountId);
  }
}
