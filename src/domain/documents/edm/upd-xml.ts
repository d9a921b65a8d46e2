/**
 * The tax service's XML of a UPD or a VAT invoice (rules §9: EDM customers receive their documents as the
 * tax service's XML through an EDM operator): format 5.03, KND 1115131, the seller's part of
 * «счёт-фактура / документ об отгрузке» (file id prefix `ON_NSCHFDOPPR`).
 *
 * - `Функция`: `СЧФДОП` for a status-1 UPD (VAT invoice and transfer document), `ДОП` for a status-2 UPD
 *   (transfer document only), `СЧФ` for a VAT invoice.
 * - Pure and deterministic: the file's GUID is a name-based UUID of the document id, and the moment the file
 *   says it was formed defaults to the document date at 00.00.00, so rendering the same issued document
 *   again gives the same bytes.
 *
 * Values the engine does not hold, filled in by assumption (each schema-valid; see docs/documents.md):
 * - EDM participant ids in the file id: the operator assigns them and the engine does not store them, so the
 *   default is the party's INN followed by its KPP (`participants` overrides);
 * - addresses: the requisites keep one free-text address, so they go into `АдрИнф` (country 643, Russia)
 *   rather than the structured `АдрРФ`/`АдрГАР`;
 * - lines: a SKU line (issue 13) whose SKU has a Russian unit in the catalog carries its quantity (`КолТов`),
 *   net unit price (`ЦенаТов`), the unit's OKEI code (`ОКЕИ_Тов`) and name (`НаимЕдИзм`), and the SKU's
 *   Russian name (`НаимТов`), as the printed forms do; a line for a whole service (closes recorded before
 *   SKUs were) has no quantity, unit or price, so those are left out (the format and Tax Code art. 169 §5 ask
 *   for them only where they can be given) and the line carries its amounts and rate;
 * - the transfer (`СвПродПер`): «Услуги оказаны в полном объеме» over the service period, without a basis
 *   document (`БезДокОснПер`), since the contract's number and date are not recorded;
 * - the signer (`Подписант`): reference data given by the caller, with authority «in accordance with the
 *   electronic signature» (`СпосПодтПолном` = 1).
 */
import Big from 'big.js';
import { defaultCatalogVersions } from '../../catalog/default-catalog.js';
import { russianNames, type RussianSkuName } from '../../catalog/russian-names.js';
import type { LocalDate } from '../../shared/calendar.js';
import { DomainError } from '../../shared/errors.js';
import type { VatRate } from '../../shared/vat.js';
import type {
  AccountDocument,
  DocumentLine,
  DocumentParty,
  IssuerDetails,
  Numbered,
  UpdDocument,
  VatInvoiceDocument,
} from '../document-types.js';
import { nameBasedUuid } from './name-based-uuid.js';
import { element, renderXml, type XmlElement } from './xml-tree.js';

export const EDM_FORMAT_VERSION = '5.03';
export const EDM_KND = '1115131';
export const EDM_FILE_PREFIX = 'ON_NSCHFDOPPR';

export type EdmFunction = 'СЧФ' | 'СЧФДОП' | 'ДОП';

export type EdmDocument = Numbered<UpdDocument> | Numbered<VatInvoiceDocument>;

/** Who signs the file for the seller (the format requires a name; the issuer's requisites do not hold one). */
export interface EdmSigner {
  readonly surname: string;
  readonly givenName: string;
  readonly patronymic?: string;
  readonly position: string;
}

/** The document a VAT invoice confirms the shipment by (its act or status-2 UPD), as printed in line 5a. */
export interface ShipmentDocument {
  readonly name: string;
  readonly number: string;
  readonly date: LocalDate;
}

export interface EdmXmlRequest {
  readonly document: EdmDocument;
  readonly signer: EdmSigner;
  /** For a VAT invoice: the act or UPD it accompanies. */
  readonly shipmentDocument?: ShipmentDocument;
  /** EDM participant ids (assigned by the operator); default: each party's INN followed by its KPP. */
  readonly participants?: { readonly sender: string; readonly recipient: string };
  /** When the file was formed; default the document date at 00.00.00 (keeps re-rendering identical). */
  readonly formedAt?: { readonly date: LocalDate; readonly time: string };
  /** `ВерсПрог`: the program that formed the file. */
  readonly program?: string;
  /** SKU → its Russian name and unit (russianNames of the catalog); default: the default catalog's, as the PDF. */
  readonly skuNames?: ReadonlyMap<string, RussianSkuName>;
}

let defaultSkuNames: ReadonlyMap<string, RussianSkuName> | undefined;

export interface EdmXmlFile {
  /** `ИдФайл`, which is also the file name without `.xml`. */
  readonly fileId: string;
  readonly fileName: string;
  readonly function: EdmFunction;
  /** The tree, for inspection. */
  readonly root: XmlElement;
  /** The text to encode in windows-1251 (it declares that encoding). */
  readonly xml: string;
}

export type EdmUnavailableReason = 'kind' | 'jurisdiction' | 'currency';

/** The document has no EDM XML: not a UPD or VAT invoice, or not a Russian one in roubles. */
export class EdmXmlUnavailableError extends DomainError {
  override readonly name = 'EdmXmlUnavailableError';
  readonly code = 'EDM_XML_UNAVAILABLE';
  constructor(
    readonly number: string,
    readonly reason: EdmUnavailableReason,
  ) {
    super(
      reason === 'kind'
        ? `document ${number}: only UPDs and VAT invoices have the tax service's XML`
        : `document ${number}: the tax service's XML is for Russian documents in roubles`,
    );
  }
}

/** A party's requisites do not fit the format (a tax id that is not a Russian INN, a KPP of another shape). */
export class EdmRequisitesError extends DomainError {
  override readonly name = 'EdmRequisitesError';
  readonly code = 'EDM_REQUISITES_INVALID';
  constructor(
    readonly number: string,
    readonly field: string,
    readonly value: string,
  ) {
    super(`document ${number}: ${field} ${JSON.stringify(value)} does not fit the tax service's format`);
  }
}

/** The `Функция` of a document's XML, or null when the document has none (acts, bills, advance invoices). */
export function edmFunctionOf(
  document: Pick<AccountDocument, 'kind'> & { status?: 1 | 2 },
): EdmFunction | null {
  if (document.kind === 'vat-invoice') return 'СЧФ';
  if (document.kind === 'upd') return document.status === 1 ? 'СЧФДОП' : 'ДОП';
  return null;
}

/** Whether a document gets the XML at all (kind, jurisdiction, currency), without building it. */
export function edmUnavailableReason(document: Numbered): EdmUnavailableReason | null {
  if (edmFunctionOf(document) === null) return 'kind';
  if (document.vatJurisdiction !== 'RU') return 'jurisdiction';
  if (document.currency !== 'RUB') return 'currency';
  return null;
}

const DOCUMENT_NAMES: Record<Exclude<EdmFunction, 'СЧФ'>, string> = {
  СЧФДОП:
    'Счет-фактура и документ об отгрузке товаров (выполнении работ), передаче имущественных прав ' +
    '(документ об оказании услуг)',
  ДОП: 'Документ об отгрузке товаров (выполнении работ), передаче имущественных прав (документ об оказании услуг)',
};
const PRIMARY_DOCUMENT_NAME =
  'Документ об отгрузке товаров (выполнении работ), передаче имущественных прав (документ об оказании услуг)';
export const UPD_DOCUMENT_NAME = 'Универсальный передаточный документ';
const SERVICES_RENDERED = 'Услуги оказаны в полном объеме';
const NO_VAT = 'без НДС';
/** The VAT rates the format lists (`НалСт`) that the engine's percentages map to. */
const FORMAT_RATES = new Set(['0', '5', '7', '10', '18', '20', '22']);
const INN_LEGAL = /^([0-9][1-9]|[1-9][0-9])[0-9]{8}$/;
const INN_PERSON = /^([0-9][1-9]|[1-9][0-9])[0-9]{10}$/;
const KPP = /^([0-9][1-9]|[1-9][0-9])[0-9]{2}[0-9A-Z]{2}[0-9]{3}$/;
const BIK = /^[0-9]{9}$/;
const TIME = /^([0-1]\d|2[0-3])(\.[0-5]\d){2}$/;

/**
 * The information field (`ИнфПолФХЖ1/ТекстИнф`) that carries the shipment date of a document drawn up after
 * it; the format has no attribute of its own for it in a VAT invoice. A UPD also states it as the transfer's
 * period (`СвПер/@ДатаОконПер`).
 */
export const SHIPMENT_DATE_INFO = 'ДатаОтгрузки';

/** How a VAT invoice names the act or UPD it accompanies (line 5a, the shipment document). */
export function shipmentDocumentOf(basis: Pick<Numbered, 'kind' | 'number' | 'date'>): ShipmentDocument {
  const name = basis.kind === 'upd' ? UPD_DOCUMENT_NAME : 'Акт об оказании услуг';
  return { name, number: basis.number, date: basis.date };
}

/** Builds the XML file of an issued UPD or VAT invoice. */
export function edmXmlFor(request: EdmXmlRequest): EdmXmlFile {
  const { document } = request;
  const reason = edmUnavailableReason(document);
  if (reason) throw new EdmXmlUnavailableError(document.number, reason);
  const fn = edmFunctionOf(document)!;
  const invoice = fn !== 'ДОП';
  const transfer = fn !== 'СЧФ';
  const requisite = (field: string, value: string, valid: boolean) => {
    if (!valid) throw new EdmRequisitesError(document.number, field, value);
    return value;
  };

  const formed = request.formedAt ?? { date: document.date, time: '00.00.00' };
  requisite('formedAt.time', formed.time, TIME.test(formed.time));
  const participants = request.participants ?? {
    sender: participantId(document.issuer),
    recipient: participantId(document.payer),
  };
  const guid = nameBasedUuid(`urn:billing-document:${document.documentId}`);
  const fileId = [
    EDM_FILE_PREFIX,
    requisite(
      'participants.recipient',
      participants.recipient,
      /^[^_\s]{1,46}$/.test(participants.recipient),
    ),
    requisite('participants.sender', participants.sender, /^[^_\s]{1,46}$/.test(participants.sender)),
    formed.date.replace(/-/g, ''),
    guid,
  ].join('_');

  const seller = element(
    'СвПрод',
    {},
    partyId(document.issuer, 'issuer', requisite),
    address(document.issuer.address),
    bankRequisites(document.issuer),
  );
  const buyer = element(
    'СвПокуп',
    {},
    partyId(document.payer, 'payer', requisite),
    address(document.payer.address),
    bankRequisites(document.payer),
  );
  // Line 5a of the invoice (the shipment document): the UPD itself, or the act/UPD a VAT invoice accompanies.
  const shipment: ShipmentDocument | undefined =
    fn === 'СЧФДОП'
      ? { name: UPD_DOCUMENT_NAME, number: document.number, date: document.date }
      : fn === 'СЧФ'
        ? request.shipmentDocument
        : undefined;

  const root = element(
    'Файл',
    {
      ИдФайл: fileId,
      ВерсФорм: EDM_FORMAT_VERSION,
      ВерсПрог: limit(request.program ?? 'Billing engine', 40),
    },
    element(
      'Документ',
      {
        КНД: EDM_KND,
        Функция: fn,
        ПоФактХЖ: transfer ? PRIMARY_DOCUMENT_NAME : undefined,
        НаимДокОпр: fn === 'СЧФ' ? undefined : DOCUMENT_NAMES[fn],
        ДатаИнфПр: printedDate(formed.date),
        ВремИнфПр: formed.time,
        НаимЭконСубСост: limit(document.issuer.name, 1000),
      },
      element(
        'СвСчФакт',
        { НомерДок: limit(document.number, 1000), ДатаДок: printedDate(document.date) },
        seller,
        invoice &&
          shipment &&
          element('ДокПодтвОтгрНом', {
            РеквНаимДок: limit(shipment.name, 255),
            РеквНомерДок: limit(shipment.number, 255),
            РеквДатаДок: printedDate(shipment.date),
          }),
        buyer,
        element('ДенИзм', { КодОКВ: '643', НаимОКВ: 'Российский рубль' }),
        // Drawn up late (numbering in date order): ДатаДок is the day it was drawn up; the shipment's own day
        // goes with it, as a VAT invoice dated after the shipment names it (Tax Code art. 168 p. 3).
        document.shipmentDate !== undefined
          ? element(
              'ИнфПолФХЖ1',
              {},
              element('ТекстИнф', {
                Идентиф: SHIPMENT_DATE_INFO,
                Значен: printedDate(document.shipmentDate),
              }),
            )
          : undefined,
      ),
      goodsTable(
        document.lines,
        document.totals,
        request.skuNames ?? (defaultSkuNames ??= russianNames(defaultCatalogVersions()).skus),
      ),
      transfer &&
        element(
          'СвПродПер',
          {},
          element(
            'СвПер',
            {
              СодОпер: SERVICES_RENDERED,
              ДатаНачПер: printedDate(document.servicePeriod.firstDay),
              ДатаОконПер: printedDate(document.servicePeriod.lastDay),
            },
            element('БезДокОснПер'),
          ),
        ),
      element(
        'Подписант',
        { Должн: limit(request.signer.position, 255), ТипПодпис: '1', СпосПодтПолном: '1' },
        element('ФИО', personName(request.signer, requisite)),
      ),
    ),
  );
  return { fileId, fileName: `${fileId}.xml`, function: fn, root, xml: renderXml(root) };
}

function goodsTable(
  lines: readonly DocumentLine[],
  totals: EdmDocument['totals'],
  skuNames: ReadonlyMap<string, RussianSkuName>,
): XmlElement {
  const anyVat = lines.some((line) => line.vatRate.kind === 'percent');
  return element(
    'ТаблСчФакт',
    {},
    lines.map((line, index) =>
      element(
        'СведТов',
        {
          НомСтр: index + 1,
          ...goodsOf(line, skuNames),
          СтТовБезНДС: line.net,
          НалСт: rateOf(line.vatRate),
          СтТовУчНал: line.gross,
        },
        element('СумНал', {}, vatAmount(line.vatRate.kind === 'percent', line.vat)),
      ),
    ),
    element(
      'ВсегоОпл',
      { СтТовБезНДСВсего: totals.net, СтТовУчНалВсего: totals.gross },
      element('СумНалВсего', {}, vatAmount(anyVat, totals.vat)),
    ),
  );
}

/**
 * A line's name and, for a SKU line whose unit the catalog knows, its unit, quantity and price (issue 13):
 * a quantity is only given with its unit, as on the printed forms.
 */
function goodsOf(
  line: DocumentLine,
  skuNames: ReadonlyMap<string, RussianSkuName>,
): Record<string, string | undefined> {
  const sku = line.sku !== undefined ? skuNames.get(line.sku) : undefined;
  const name = limit(sku?.name ?? line.description, 2000);
  if (!sku?.unit || line.quantity === undefined || line.unitPrice === undefined) return { НаимТов: name };
  return {
    НаимТов: name,
    ОКЕИ_Тов: sku.unit.okei,
    НаимЕдИзм: limit(sku.unit.name, 255),
    КолТов: line.quantity,
    ЦенаТов: line.unitPrice,
  };
}

function vatAmount(withVat: boolean, amount: string): XmlElement {
  return withVat ? element('СумНал', {}, new Big(amount).toFixed(2)) : element('БезНДС', {}, NO_VAT);
}

/** `НалСт`: '22' → '22%'; no VAT → 'без НДС'. */
export function rateOf(rate: VatRate): string {
  if (rate.kind === 'none') return NO_VAT;
  const percent = new Big(rate.percent).toFixed();
  if (!FORMAT_RATES.has(percent)) throw new Error(`VAT rate ${rate.percent}% is not in the format's list`);
  return `${percent}%`;
}

type Requisite = (field: string, value: string, valid: boolean) => string;

function partyId(party: DocumentParty, role: 'issuer' | 'payer', requisite: Requisite): XmlElement {
  if (/^[0-9]{12}$/.test(party.taxId)) {
    // A 12-digit INN belongs to a person: a sole proprietor, named by the requisites' name.
    return element(
      'ИдСв',
      {},
      element(
        'СвИП',
        { ИННФЛ: requisite(`${role}.taxId`, party.taxId, INN_PERSON.test(party.taxId)) },
        element('ФИО', proprietorName(party.name)),
      ),
    );
  }
  return element(
    'ИдСв',
    {},
    element('СвЮЛУч', {
      НаимОрг: limit(requisite(`${role}.name`, party.name, party.name.trim() !== ''), 1000),
      ИННЮЛ: requisite(`${role}.taxId`, party.taxId, INN_LEGAL.test(party.taxId)),
      КПП: party.kpp === undefined ? undefined : requisite(`${role}.kpp`, party.kpp, KPP.test(party.kpp)),
    }),
  );
}

/**
 * A sole proprietor's name as surname, given name and patronymic: the requisites hold one string such as
 * «ИП Петров Пётр Петрович»; the prefix is dropped and the words taken in order. A name of one word gets
 * «-» as the given name (the format requires one).
 */
export function proprietorName(name: string): Record<string, string | undefined> {
  const words = name
    .replace(/^\s*(ИП|Индивидуальный предприниматель)(\s+|$)/iu, '')
    .split(/\s+/)
    .filter((word) => word !== '');
  const [surname = '-', given = '-', ...rest] = words;
  return {
    Фамилия: limit(surname, 60),
    Имя: limit(given, 60),
    Отчество: rest.length > 0 ? limit(rest.join(' '), 60) : undefined,
  };
}

function personName(signer: EdmSigner, requisite: Requisite): Record<string, string | undefined> {
  return {
    Фамилия: limit(requisite('signer.surname', signer.surname, signer.surname.trim() !== ''), 60),
    Имя: limit(requisite('signer.givenName', signer.givenName, signer.givenName.trim() !== ''), 60),
    Отчество: signer.patronymic ? limit(signer.patronymic, 60) : undefined,
  };
}

/** The free-text address as `АдрИнф` in Russia (the requisites do not split it into region, city, street). */
function address(text: string): XmlElement | undefined {
  if (text.trim() === '') return undefined;
  return element(
    'Адрес',
    {},
    element('АдрИнф', { КодСтр: '643', НаимСтран: 'Россия', АдрТекст: limit(text, 1000) }),
  );
}

function bankRequisites(party: DocumentParty | IssuerDetails): XmlElement | undefined {
  const bank = party.bank;
  if (!bank || !bank.bik || !BIK.test(bank.bik)) return undefined;
  return element(
    'БанкРекв',
    { НомерСчета: limit(bank.accountNumber, 34) },
    element('СвБанк', {
      НаимБанк: limit(bank.bankName, 1000),
      БИК: bank.bik,
      КорСчет: bank.correspondentAccount ? limit(bank.correspondentAccount, 34) : undefined,
    }),
  );
}

/** The default EDM participant id of a party: its INN, then its KPP when it has one. */
export function participantId(party: Pick<DocumentParty, 'taxId' | 'kpp'>): string {
  return `${party.taxId}${party.kpp ?? ''}`;
}

/** 'YYYY-MM-DD' → 'DD.MM.YYYY'. */
export function printedDate(date: LocalDate): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`not a local date: ${date}`);
  return `${match[3]}.${match[2]}.${match[1]}`;
}

/** At most `max` characters (code points), as the format's maxLength counts them. */
function limit(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join('') : chars.slice(0, max).join('');
}
