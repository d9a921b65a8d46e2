import type { AccountDocument, Numbered } from '../domain/documents/index.js';
import { isCorrectiveDocument } from '../domain/documents/corrective-documents.js';

export const DOCUMENT_TITLES: Record<string, string> = {
  bill: 'Счёт на оплату',
  act: 'Акт оказанных услуг',
  'vat-invoice': 'Счёт-фактура',
  'advance-vat-invoice': 'Счёт-фактура на аванс',
  upd: 'Универсальный передаточный документ',
  'corrective-vat-invoice': 'Корректировочный счёт-фактура',
  ukd: 'Универсальный корректировочный документ',
  'corrective-act': 'Корректировочный акт',
};

const titleOf = (d: { kind: string; number: string; date: string }) =>
  `${DOCUMENT_TITLES[d.kind] ?? d.kind} № ${d.number} от ${d.date}`;

/**
 * The e-mail of an issued document: its title as the subject; the body names the account, the period and the
 * amount. A corrective document's `totals` are the period after the correction, not what it changed, so its
 * body gives the change — increase, decrease and the signed difference — and the document it corrects (and the
 * previous corrective document it continues from), by number and date, as the form does.
 */
export function documentEmail(
  document: Numbered<AccountDocument>,
  attachments: string,
): { subject: string; text: string } {
  const subject = titleOf(document);
  const account = `Лицевой счёт ${document.accountId}, период ${document.periodId}`;
  if (!isCorrectiveDocument(document))
    return {
      subject,
      text:
        `${subject}\n` + `${account}, итого ${document.totals.gross} ${document.currency}.\n` + attachments,
    };
  const { increase, decrease, difference } = document.change;
  const currency = document.currency;
  return {
    subject,
    text:
      `${subject}\n` +
      `Корректирует: ${titleOf(document.corrects)}` +
      (document.previous
        ? `; предыдущий корректировочный документ № ${document.previous.number} от ${document.previous.date}`
        : '') +
      `.\n` +
      `${account}.\n` +
      `Увеличение стоимости: ${increase.gross} ${currency} (в т. ч. НДС ${increase.vat}).\n` +
      `Уменьшение стоимости: ${decrease.gross} ${currency} (в т. ч. НДС ${decrease.vat}).\n` +
      `Разница: ${difference.gross} ${currency} (в т. ч. НДС ${difference.vat}).\n` +
      attachments,
  };
}
