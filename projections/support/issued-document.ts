import { isDecimalString } from './decimal-sum.js';

/** The part of a DocumentIssued event the read models index; the whole event is kept as content. */
export interface IssuedDocument {
  documentId: string;
  kind: string;
  number: string;
  sequence: number | null;
  issuer: string;
  date: string;
  accountId: string;
  periodId: string;
  currency: string | null;
  net: string | null;
  vat: string | null;
  gross: string | null;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const decimal = (value: unknown) => (isDecimalString(value) ? value : null);

/**
 * Reads a DocumentIssued event's data, or says what is missing. The documents service owns the shape; a
 * shape these read models do not understand is recorded as unrecognised rather than stopping them.
 */
export function readIssuedDocument(data: unknown): { document: IssuedDocument } | { problem: string } {
  if (typeof data !== 'object' || data === null) return { problem: 'data is not an object' };
  const d = data as Record<string, unknown>;
  // The issuer is an id, or the issuer's requisites carrying that id.
  const issuer = text(d.issuer) ?? text((d.issuer as { id?: unknown } | null)?.id);
  const date = text(d.date);
  const fields = {
    documentId: text(d.documentId),
    kind: text(d.kind),
    number: text(d.number),
    issuer,
    date: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined,
    accountId: text(d.accountId),
    periodId: text(d.periodId),
  };
  const missing = Object.entries(fields)
    .filter(([, value]) => value === undefined)
    .map(([field]) => field);
  if (missing.length > 0) return { problem: `missing or malformed: ${missing.join(', ')}` };
  const totals = (typeof d.totals === 'object' && d.totals !== null ? d.totals : {}) as Record<
    string,
    unknown
  >;
  return {
    document: {
      ...(fields as Record<keyof typeof fields, string>),
      sequence: Number.isSafeInteger(d.sequence) ? (d.sequence as number) : null,
      currency: text(d.currency) ?? null,
      net: decimal(totals.net),
      vat: decimal(totals.vat),
      gross: decimal(totals.gross),
    },
  };
}
