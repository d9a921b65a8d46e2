import type { Numbered } from '../domain/documents/index.js';
import { documentsProjection } from '../../projections/documents.projection.js';
import { accountDocuments } from '../../projections/queries/documents.query.js';
import type { ReadModels } from '../../projections/queries/read-models.js';
import type { DocumentService } from './document-service.js';

/**
 * An account's issued documents in the order they were issued (only those numbered `number`, if given): from
 * the documents read model once it has caught up with the log, else from the documents stream. Every read of
 * issued documents (the list, JSON, PDF, EDM XML, ЭСФ) goes through here.
 */
export async function issuedDocuments(
  readModels: ReadModels | undefined,
  documents: DocumentService,
  accountId: string,
  number?: string,
): Promise<Numbered[]> {
  const read = await readModels?.read(
    'account-documents',
    documentsProjection,
    accountDocuments(accountId, number),
  );
  // The read model holds documents as stored: a person's requisites sealed, opened here.
  if (read?.served && read.value) return documents.retention.open(read.value);
  const all = await documents.list(accountId);
  return number === undefined ? all : all.filter((d) => d.number === number);
}
