import { Controller, Get, Inject, Optional, Param } from '@nestjs/common';
import { AccountBook } from '../../accounts/account-book.js';
import { DocumentService } from '../document-service.js';
import { NotFoundError } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import type { Numbered } from '../../domain/documents/index.js';
import { EsfUnavailableError, esfDataFor } from '../../domain/documents/esf/esf-data.js';
import { documentsProjection } from '../../../projections/documents.projection.js';
import { accountDocuments } from '../../../projections/queries/documents.query.js';
import { ReadModels } from '../../../projections/queries/read-models.js';

/**
 * A Kazakh issuer's VAT invoice as the data of the electronic invoice (ЭСФ) the state system takes — what an
 * integration submits to ИС ЭСФ (the submission itself is outside the engine). Other documents: 404.
 */
@Controller('v1/accounts/:accountId')
export class DocumentEsfController {
  constructor(
    private readonly documents: DocumentService,
    private readonly accounts: AccountBook,
    @Optional() @Inject(ReadModels) private readonly readModels?: ReadModels,
  ) {}

  @Get('documents/:number/esf')
  @RequireScopes('read')
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

  /** The account's issued documents: from the documents read model once caught up, else the stream. */
  private async issued(accountId: string): Promise<Numbered[]> {
    const read = await this.readModels?.read(
      'account-documents',
      documentsProjection,
      accountDocuments(accountId),
    );
    if (read?.served && read.value) return read.value;
    return this.documents.list(accountId);
  }
}
