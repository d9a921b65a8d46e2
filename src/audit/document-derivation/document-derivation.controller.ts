import { ApiCapability, ApiRead, OBJECT, TEXT } from '../../platform/http/api-contract.js';
import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { isDerivable, type DocumentDerivation } from '../../domain/documents/derivation.js';
import type { ClosingDocument } from '../../domain/documents/index.js';
import { isCorrectiveDocument } from '../../domain/documents/corrective-documents.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { problem } from '../../platform/http/problem-details.js';
import { csvRow, streamWriter } from '../derivation-output.js';
import { DocumentDerivations, type CorrectionRow, type UsageRow } from './document-derivations.js';

const NUMBER = /^[A-Z0-9][A-Z0-9-]{0,79}$/;

const invalid = (field: string, rule: string, message: string) =>
  problem(400, 'VALIDATION_FAILED', 'The request is invalid', message, {
    errors: [{ field, rule, message }],
  });

/** One CSV table for every row kind: a `section` column says which, the rest are blank where not used. */
export const DERIVATION_CSV_COLUMNS = [
  'section',
  'line',
  'eventId',
  'stream',
  'revision',
  'position',
  'effectiveAt',
  'recordedAt',
  'usageRecordId',
  'service',
  'sku',
  'quantity',
  'unit',
  'catalogVersion',
  'tiers',
  'ratedAmount',
  'amount',
  'fromGrants',
  'fromBalance',
  'fromBalanceBy',
  'excluded',
  'documented',
  'weight',
  'exactShare',
  'allocated',
  'rounded',
  'confirmedEarlier',
  'vatRate',
  'vatExact',
  'vat',
  'net',
  'gross',
  'issuedNet',
  'issuedVat',
  'issuedGross',
  // A correction of the period itself (issue 14): which one, of what kind, by whom and why.
  'correctionId',
  'correctionKind',
  'quantityChange',
  'by',
  'reason',
  'reference',
  'matches',
] as const;
type Column = (typeof DERIVATION_CSV_COLUMNS)[number];
const row = (cells: Partial<Record<Column, unknown>>) => csvRow(DERIVATION_CSV_COLUMNS.map((c) => cells[c]));

const tiersText = (r: UsageRow) =>
  r.price?.segments.map((s) => `tier ${s.tier}: ${s.quantity} x ${s.unitPrice} = ${s.amount}`).join('; ') ??
  '';

function usageCsv(r: UsageRow): string {
  return row({
    section: 'usage',
    line: r.lines.join(' '),
    ...r.event,
    usageRecordId: r.usageRecordId,
    service: r.service,
    sku: r.sku,
    quantity: r.quantity,
    unit: r.unit,
    catalogVersion: r.catalogVersion,
    tiers: tiersText(r),
    ratedAmount: r.ratedAmount ?? r.price?.rated,
    amount: r.amount,
    fromGrants: r.fromGrants.map((g) => `${g.grantId}:${g.amount}`).join(' '),
    fromBalance: r.fromBalance,
    fromBalanceBy: r.fromBalanceBy.map((p) => `${p.source}:${p.amount}`).join(' '),
    excluded: r.excluded,
    documented: r.documented,
  });
}

function correctionCsv(r: CorrectionRow): string {
  return row({
    section: 'correction',
    line: r.lines.join(' '),
    ...r.event,
    usageRecordId: r.usageRecordId,
    service: r.service,
    sku: r.sku,
    amount: r.amount,
    fromGrants: r.fromGrants.map((g) => `${g.grantId}:${g.amount}`).join(' '),
    fromBalance: r.fromBalance,
    fromBalanceBy: r.fromBalanceBy.map((p) => `${p.source}:${p.amount}`).join(' '),
    excluded: r.excluded,
    documented: r.documented,
    correctionId: r.correctionId,
    correctionKind: r.kind,
    quantityChange: r.quantityChange,
    by: r.by,
    reason: r.reason,
    reference: r.reference,
  });
}

function stepsCsv(derivation: DocumentDerivation): string[] {
  const rows: string[] = [];
  for (const s of derivation.services) {
    rows.push(
      row({
        section: 'service',
        service: s.service,
        documented: s.exact,
        rounded: s.rounded,
        confirmedEarlier: s.confirmedEarlier,
        gross: s.gross,
      }),
    );
    for (const a of s.allocation ?? [])
      rows.push(
        row({
          section: 'allocation',
          service: s.service,
          sku: a.sku,
          quantity: a.quantity,
          weight: a.weight,
          exactShare: a.exactShare,
          allocated: a.allocated,
        }),
      );
  }
  for (const l of derivation.lines)
    rows.push(
      row({
        section: 'line',
        line: l.line,
        service: l.service,
        sku: l.sku,
        quantity: l.quantity,
        vatRate: l.vatRate,
        vatExact: l.vatExact,
        vat: l.vat,
        net: l.net,
        gross: l.gross,
        issuedNet: l.issued.net,
        issuedVat: l.issued.vat,
        issuedGross: l.issued.gross,
        matches: l.matches,
      }),
    );
  const t = derivation.totals;
  rows.push(
    row({
      section: 'totals',
      vat: t.sumOfLines.vat,
      net: t.sumOfLines.net,
      gross: t.sumOfLines.gross,
      issuedNet: t.issued.net,
      issuedVat: t.issued.vat,
      issuedGross: t.issued.gross,
      amount: t.amountDue,
      matches: derivation.reconciles,
    }),
  );
  return rows;
}

/** For auditors: where every figure of a closing document comes from, down to the usage records. */
@ApiCapability('Audit', 400, 404, 422)
@Controller('v1/audit/documents')
export class DocumentDerivationController {
  constructor(@Inject(DocumentDerivations) private readonly derivations: DocumentDerivations) {}

  /**
   * Per line, the usage records that make it (each with its event), their price and funding split, the
   * rounding, the per-SKU allocation, VAT, and the totals' reconciliation. Streamed: rows are written as the
   * period's events are read.
   */
  @Get(':number/derivation')
  @RequireScopes('audit')
  @ApiRead({
    summary: "Derive a closing document's figures",
    description:
      "Per line: the usage records with their events, price tiers and funding split, the period's own corrections (void, re-rate, adjustment: who, why, signed amount, funding), the rounding, the per-SKU allocation, VAT per line, and the totals reconciled to the document — streamed. 422 DOCUMENT_NOT_DERIVABLE for bills, advance VAT invoices and corrective documents (КСФ, УКД, corrective act).",
    params: [{ name: 'number', description: 'The document number', example: 'RU-MOSCOW-LLC-2026-000001' }],
    query: [
      {
        name: 'format',
        description: 'json (default) or csv',
        schema: { type: 'string', enum: ['json', 'csv'], default: 'json' },
      },
    ],
    produces: { 'application/json': OBJECT, ...TEXT('text/csv') },
  })
  @Header('cache-control', 'no-store')
  async derivation(
    @Param('number') number: string,
    @Res() response: Response,
    @Query('format') format = 'json',
  ): Promise<void> {
    if (!NUMBER.test(number))
      throw invalid(
        'number',
        'pattern',
        'number must be a document number (capital letters, digits and dashes)',
      );
    if (format !== 'json' && format !== 'csv') throw invalid('format', 'isIn', 'format must be json or csv');
    const located = await this.derivations.locate(number);
    if (!isDerivable(located.kind))
      throw problem(
        422,
        'DOCUMENT_NOT_DERIVABLE',
        'The document is not derived from usage records',
        isCorrectiveDocument(located)
          ? `${number} is a ${located.kind}: a corrective document is not derived here — its before / after / difference per line and the corrections behind it are in the document itself (docs/audit.md)`
          : `${number} is a ${located.kind}: only acts, UPDs and VAT invoices are derived from usage records`,
      );
    const document = located as typeof located & ClosingDocument;
    const target = {
      accountId: located.accountId,
      document,
      issuedBy: located.issuedBy,
      earlier: located.earlier,
    };
    const out = streamWriter(response);
    response
      .status(200)
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .setHeader('content-disposition', `inline; filename="${number}-derivation.${format}"`);
    if (format === 'csv') {
      await out.write(csvRow([...DERIVATION_CSV_COLUMNS]));
      const derivation = await this.derivations.derive(
        target,
        (r) => out.write(usageCsv(r)),
        (r) => out.write(correctionCsv(r)),
      );
      for (const line of stepsCsv(derivation)) await out.write(line);
    } else {
      const head = {
        number: document.number,
        kind: document.kind,
        documentId: document.documentId,
        accountId: document.accountId,
        periodId: document.periodId,
        date: document.date,
        servicePeriod: document.servicePeriod,
        currency: document.currency,
        issuedBy: located.issuedBy,
        lines: document.lines,
        totals: document.totals,
      };
      await out.write(`{"document":${JSON.stringify(head)},"usage":[`);
      let first = true;
      // A period's own corrections are few (the ledger state holds them all): kept, written after the records.
      const corrections: CorrectionRow[] = [];
      const derivation = await this.derivations.derive(
        target,
        (r) => {
          const text = (first ? '\n' : ',\n') + JSON.stringify(r);
          first = false;
          return out.write(text);
        },
        (r) => void corrections.push(r),
      );
      await out.write(
        `],\n"corrections":${JSON.stringify(corrections)},\n"services":${JSON.stringify(derivation.services)},\n"lines":${JSON.stringify(derivation.lines)},\n` +
          `"totals":${JSON.stringify(derivation.totals)},\n"reconciles":${derivation.reconciles}}\n`,
      );
    }
    response.end();
  }
}
