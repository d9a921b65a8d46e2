import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { defaultCatalogVersions, russianNames, type CatalogVersion } from '../domain/catalog/index.js';
import type { AccountDocument, Numbered } from '../domain/documents/index.js';
import { renderAct } from './forms/act-form.js';
import type { FormContext } from './forms/form-common.js';
import { renderUpd } from './forms/upd-form.js';
import { renderVatInvoice } from './forms/vat-invoice-form.js';
import { ISSUERS } from './issuers.js';

const require = createRequire(import.meta.url);
// DejaVu covers Cyrillic and Kazakh letters; the PDF's standard fonts do not.
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = join(FONT_DIR, 'DejaVuSans.ttf');
const BOLD = join(FONT_DIR, 'DejaVuSans-Bold.ttf');

const TITLES: Record<string, string> = {
  bill: 'Счёт на оплату',
  act: 'Акт оказанных услуг',
  'vat-invoice': 'Счёт-фактура',
  'advance-vat-invoice': 'Счёт-фактура на аванс',
  upd: 'Универсальный передаточный документ',
};

type Party = { name: string; taxId: string; kpp?: string; address: string } | null | undefined;
const partyLine = (label: string, party: Party) =>
  party
    ? `${label}: ${party.name}, ИНН/БИН ${party.taxId}${party.kpp ? `, КПП ${party.kpp}` : ''}, ${party.address}`
    : `${label}: —`;

export interface RenderOptions {
  /** The act a VAT invoice accompanies (its number is printed on line 5а). */
  readonly basisDocument?: Numbered<AccountDocument>;
  /** Where the Russian service names and units come from (the default catalog unless given). */
  readonly catalog?: readonly CatalogVersion[];
}

let defaultNames: FormContext['names'] | undefined;

function formContext(document: Numbered<AccountDocument>, options: RenderOptions): FormContext {
  const names = options.catalog
    ? russianNames(options.catalog)
    : (defaultNames ??= russianNames(defaultCatalogVersions()));
  // A document issued before the signatories were configured takes them from the configuration.
  const signatories = document.issuer.signatories ?? ISSUERS[document.issuer.id]?.signatories;
  return {
    names,
    ...(signatories ? { signatories } : {}),
    ...(options.basisDocument ? { basisDocument: options.basisDocument } : {}),
  };
}

/**
 * Renders a numbered document as the form a Russian accountant expects for its kind (act, VAT invoice,
 * advance VAT invoice, UPD, bill), each laid out by the forms' table layout (src/documents/forms).
 */
export function renderDocumentPdf(
  document: Numbered<AccountDocument>,
  options: RenderOptions = {},
): Promise<Buffer> {
  const context = formContext(document, options);
  switch (document.kind) {
    case 'act':
      return renderAct(document, context);
    case 'vat-invoice':
    case 'advance-vat-invoice':
      return renderVatInvoice(document, context);
    case 'upd':
      return renderUpd(document, context);
    default:
      return renderGeneric(document);
  }
}

/** The one-table rendering the forms replace, for kinds without a form of their own. */
function renderGeneric(document: Numbered<AccountDocument>): Promise<Buffer> {
  const d = document as Numbered<AccountDocument> & Record<string, unknown>;
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 40,
    info: { Title: `${TITLES[d.kind] ?? d.kind} ${d.number}` },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));

  const status = d.kind === 'upd' ? ` (статус ${String(d.status)})` : '';
  pdf
    .font(BOLD)
    .fontSize(14)
    .text(`${TITLES[d.kind] ?? d.kind}${status} № ${d.number} от ${d.date}`);
  pdf.moveDown(0.5).font(REGULAR).fontSize(9);
  const issuer = d.issuer;
  pdf.text(partyLine('Исполнитель', issuer));
  if (issuer.bank) {
    const bank = issuer.bank;
    pdf.text(
      `Банк: ${bank.bankName}, р/с ${bank.accountNumber}${bank.bik ? `, БИК ${bank.bik}` : ''}${bank.correspondentAccount ? `, к/с ${bank.correspondentAccount}` : ''}${bank.swift ? `, SWIFT ${bank.swift}` : ''}`,
    );
  }
  pdf.text(partyLine('Заказчик', d.payer as Party));
  const payerBank = (d.payer as { bank?: { bankName: string; bik?: string; accountNumber: string } } | null)
    ?.bank;
  if (payerBank) {
    pdf.text(
      `Банк заказчика: ${payerBank.bankName}, р/с ${payerBank.accountNumber}${payerBank.bik ? `, БИК ${payerBank.bik}` : ''}`,
    );
  }
  pdf.text(`Лицевой счёт: ${d.accountId}; период: ${d.periodId}; валюта: ${d.currency}`);
  if (d.kind === 'bill') {
    pdf.text(`Оплатить до: ${String(d.dueDate)}. Назначение платежа: ${String(d.paymentPurpose)}`);
  }
  pdf.moveDown(0.5);

  const columns = [40, 300, 370, 440, 500];
  pdf.font(BOLD).text('Услуга', columns[0], pdf.y, { continued: false });
  const headerY = pdf.y - 11;
  pdf
    .text('НДС %', columns[1], headerY)
    .text('Без НДС', columns[2], headerY)
    .text('НДС', columns[3], headerY)
    .text('Всего', columns[4], headerY);
  pdf.font(REGULAR);
  for (const line of d.lines) {
    const y = pdf.y + 2;
    const rate = line.vatRate.kind === 'percent' ? `${line.vatRate.percent}%` : 'без НДС';
    pdf.text(line.description, columns[0], y, { width: 250 });
    const after = pdf.y;
    pdf
      .text(rate, columns[1], y)
      .text(line.net, columns[2], y)
      .text(line.vat, columns[3], y)
      .text(line.gross, columns[4], y);
    pdf.y = Math.max(after, pdf.y);
  }
  const penaltiesLine = d.kind === 'bill' ? d.penaltiesLine : null;
  if (penaltiesLine) {
    const y = pdf.y + 2;
    pdf.text(penaltiesLine.description, columns[0], y, { width: 250 });
    const after = pdf.y;
    pdf
      .text('без НДС', columns[1], y)
      .text(penaltiesLine.amount, columns[2], y)
      .text(penaltiesLine.vat, columns[3], y)
      .text(penaltiesLine.amount, columns[4], y);
    pdf.y = Math.max(after, pdf.y);
  }
  pdf.moveDown(0.5).font(BOLD);
  pdf.text(
    `Итого без НДС: ${d.totals.net}   НДС: ${d.totals.vat}   Всего: ${d.totals.gross} ${d.currency}`,
    columns[0],
  );
  if (d.kind === 'bill') pdf.text(`К оплате: ${String(d.toPay)} ${d.currency}`, columns[0]);
  pdf.end();
  return done;
}
