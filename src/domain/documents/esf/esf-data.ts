/**
 * The data of a Kazakh electronic invoice (ЭСФ, электронный счёт-фактура) for a VAT invoice a Kazakh issuer
 * issued: the fields the state information system (ИС ЭСФ) asks for — sections A (general), B (seller),
 * C (buyer), G (goods and services with turnover and VAT), and the totals. Sending it to the state system
 * (its SOAP API and signing with the issuer's key) is out of scope: this is the data an integration submits.
 */
import Big from 'big.js';
import { DomainError } from '../../shared/errors.js';
import type { Numbered, VatInvoiceDocument } from '../document-types.js';

export interface EsfLine {
  /** G 1: line number. */
  readonly lineNumber: number;
  /** G 3: the name of the service. */
  readonly description: string;
  /** G 5: unit (OKEI-like code of the State classifier); services without a unit: 'усл. ед.'. */
  readonly unit: string;
  /** G 6, G 7: quantity and price without VAT. */
  readonly quantity: string;
  readonly unitPrice: string;
  /** G 8: turnover without VAT; G 10–11: VAT rate and amount; G 13: turnover with VAT. */
  readonly turnoverWithoutVat: string;
  readonly vatRate: string;
  readonly vatAmount: string;
  readonly turnoverWithVat: string;
}

export interface EsfData {
  readonly format: 'ESF';
  /** A 1–3: the invoice's registration number (its own), its date, and the turnover date (the period's end). */
  readonly number: string;
  readonly date: string;
  readonly turnoverDate: string;
  readonly seller: {
    readonly bin: string;
    readonly name: string;
    readonly address: string;
    readonly iik?: string;
    readonly bik?: string;
  };
  readonly customer: { readonly tin: string; readonly name: string; readonly address: string };
  /** F: currency code (ISO 4217 numeric: 398 for tenge). */
  readonly currencyCode: '398';
  readonly lines: readonly EsfLine[];
  readonly totals: {
    readonly turnoverWithoutVat: string;
    readonly vatAmount: string;
    readonly turnoverWithVat: string;
  };
  /** The issued document this data is derived from. */
  readonly documentId: string;
}

export class EsfUnavailableError extends DomainError {
  override readonly name = 'EsfUnavailableError';
  readonly code = 'ESF_UNAVAILABLE';
  constructor(
    readonly number: string,
    reason: string,
  ) {
    super(`document ${number}: ${reason}`);
  }
}

/** The ЭСФ data of a Kazakh VAT invoice; other documents have none (EsfUnavailableError says why). */
export function esfDataFor(document: Numbered): EsfData {
  if (document.kind !== 'vat-invoice') {
    throw new EsfUnavailableError(
      document.number,
      `a ${document.kind} has no electronic invoice: only VAT invoices`,
    );
  }
  if (document.vatJurisdiction !== 'KZ' || document.currency !== 'KZT') {
    throw new EsfUnavailableError(
      document.number,
      'only a Kazakh issuer’s invoices in tenge are electronic invoices',
    );
  }
  const invoice = document as Numbered<VatInvoiceDocument>;
  const lines = invoice.lines.map((line, index): EsfLine => {
    const quantity = line.quantity ?? '1';
    const unitPrice = line.unitPrice ?? new Big(line.net).div(quantity).round(2, Big.roundHalfUp).toFixed(2);
    return {
      lineNumber: index + 1,
      description: line.description,
      unit: line.quantity ? 'ед.' : 'усл. ед.',
      quantity,
      unitPrice,
      turnoverWithoutVat: line.net,
      vatRate: line.vatRate.kind === 'percent' ? `${line.vatRate.percent}%` : 'без НДС',
      vatAmount: line.vat,
      turnoverWithVat: line.gross,
    };
  });
  return {
    format: 'ESF',
    number: invoice.number,
    date: invoice.date,
    turnoverDate: invoice.servicePeriod.lastDay,
    seller: {
      bin: invoice.issuer.taxId,
      name: invoice.issuer.name,
      address: invoice.issuer.address,
      ...(invoice.issuer.bank ? { iik: invoice.issuer.bank.accountNumber } : {}),
      ...(invoice.issuer.bank?.bik ? { bik: invoice.issuer.bank.bik } : {}),
    },
    customer: { tin: invoice.payer.taxId, name: invoice.payer.name, address: invoice.payer.address },
    currencyCode: '398',
    lines,
    totals: {
      turnoverWithoutVat: invoice.totals.net,
      vatAmount: invoice.totals.vat,
      turnoverWithVat: invoice.totals.gross,
    },
    documentId: invoice.documentId,
  };
}
