import Big from 'big.js';
import type { Numbered } from '../document-types.js';
import {
  EDM_SIGNER,
  edmCases,
  issuedDocuments,
  lateEdmCases,
  LEGAL_ENTITY,
  SOLE_PROPRIETOR,
} from './edm.fixtures.js';
import { nameBasedUuid, sha1, utf8Bytes } from './name-based-uuid.js';
import {
  EdmRequisitesError,
  EdmXmlUnavailableError,
  edmFunctionOf,
  edmXmlFor,
  proprietorName,
  SHIPMENT_DATE_INFO,
  shipmentDocumentOf,
  type EdmDocument,
  type EdmXmlFile,
} from './upd-xml.js';
import { encodableInWindows1251, escapeXml, type XmlElement } from './xml-tree.js';

const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('');

/** The elements at a path below `node` ('СвСчФакт/СвПокуп/Адрес'). */
function all(node: XmlElement, path: string): XmlElement[] {
  return path
    .split('/')
    .reduce<XmlElement[]>(
      (nodes, name) =>
        nodes.flatMap((n) =>
          n.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name),
        ),
      [node],
    );
}
const one = (node: XmlElement, path: string) => all(node, path)[0];
const attr = (node: XmlElement | undefined, name: string) => node?.attributes.find(([k]) => k === name)?.[1];
const text = (node: XmlElement | undefined) => node?.children.join('');

function build(document: EdmDocument, extra: Partial<Parameters<typeof edmXmlFor>[0]> = {}): EdmXmlFile {
  return edmXmlFor({ document, signer: EDM_SIGNER, ...extra });
}

const files = edmCases().map((c) => ({
  label: c.label,
  document: c.document,
  file: build(c.document, c.shipmentDocument ? { shipmentDocument: c.shipmentDocument } : {}),
}));
const byFunction = (fn: string) => files.filter((f) => f.file.function === fn);

describe('name-based UUIDs (pure SHA-1)', () => {
  it('SHA-1 matches the FIPS 180 test vectors', () => {
    expect(hex(sha1(utf8Bytes('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(sha1([]))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(hex(sha1(utf8Bytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
    expect(hex(sha1(utf8Bytes('a'.repeat(1000))))).toBe('291e9a6c66994949b57ba5e650361e98fc36b1ba');
  });

  it('a version-5 UUID as RFC 9562 computes it (python uuid.uuid5 of the DNS namespace)', () => {
    expect(nameBasedUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('encodes names as UTF-8 (Cyrillic, astral characters)', () => {
    expect(utf8Bytes('Ж€😀')).toEqual([0xd0, 0x96, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  });
});

describe('the EDM file: id, name, function', () => {
  it('Функция: СЧФДОП for a status-1 UPD, ДОП for status 2, СЧФ for a VAT invoice; none for the others', () => {
    expect(edmFunctionOf({ kind: 'upd', status: 1 })).toBe('СЧФДОП');
    expect(edmFunctionOf({ kind: 'upd', status: 2 })).toBe('ДОП');
    expect(edmFunctionOf({ kind: 'vat-invoice' })).toBe('СЧФ');
    for (const kind of ['act', 'bill', 'advance-vat-invoice'] as const)
      expect(edmFunctionOf({ kind })).toBeNull();
    for (const { file, document } of files) {
      expect(attr(one(file.root, 'Документ'), 'Функция')).toBe(edmFunctionOf(document));
    }
  });

  it('ИдФайл is ON_NSCHFDOPPR_<recipient>_<sender>_<YYYYMMDD>_<GUID of the document id>, and the file name', () => {
    const { file, document } = byFunction('СЧФДОП').find((f) => f.document.payer.kpp)!;
    const guid = nameBasedUuid(`urn:billing-document:${document.documentId}`);
    expect(file.fileId).toBe(
      `ON_NSCHFDOPPR_7707083893773601001_7707049388770701001_${document.date.replace(/-/g, '')}_${guid}`,
    );
    expect(attr(file.root, 'ИдФайл')).toBe(file.fileId);
    expect(file.fileName).toBe(`${file.fileId}.xml`);
    // The schema's rule 0001.60: the id itself never contains "xml".
    expect(file.fileId.toLowerCase()).not.toContain('xml');
    expect(attr(file.root, 'ВерсФорм')).toBe('5.03');
    expect(attr(one(file.root, 'Документ'), 'КНД')).toBe('1115131');
  });

  it('explicit EDM participant ids replace the INN+KPP default', () => {
    const file = build(files[0]!.document, {
      participants: { sender: '2BE-SELLER', recipient: '2BE-BUYER' },
    });
    expect(file.fileId).toMatch(/^ON_NSCHFDOPPR_2BE-BUYER_2BE-SELLER_\d{8}_[0-9a-f-]{36}$/);
  });

  it('is deterministic: the same issued document renders to the same text; another document gets another GUID', () => {
    for (const { document, file } of files.slice(0, 3)) expect(build(document, {}).fileId).toBe(file.fileId);
    const [a, b] = [files[0]!, files[0]!];
    expect(build(a.document).xml).toBe(build(b.document).xml);
    expect(new Set(files.map((f) => f.file.fileId.slice(-36))).size).toBe(
      new Set(files.map((f) => f.document.documentId)).size,
    );
  });

  it('declares windows-1251 and formed-at defaults to the document date at 00.00.00', () => {
    const { file, document } = files[0]!;
    expect(file.xml.startsWith('<?xml version="1.0" encoding="windows-1251"?>\n<Файл ')).toBe(true);
    const doc = one(file.root, 'Документ');
    expect(attr(doc, 'ДатаИнфПр')).toBe(document.date.split('-').reverse().join('.'));
    expect(attr(doc, 'ВремИнфПр')).toBe('00.00.00');
  });

  it('acts, bills and foreign documents have no XML', () => {
    const act = { ...files[0]!.document, kind: 'act' } as unknown as EdmDocument;
    expect(() => build(act)).toThrow(EdmXmlUnavailableError);
    const usd = { ...files[0]!.document, currency: 'USD', vatJurisdiction: 'non-resident' } as EdmDocument;
    expect(() => build(usd)).toThrow(
      expect.objectContaining({ code: 'EDM_XML_UNAVAILABLE', reason: 'jurisdiction' }),
    );
  });

  it('requisites that do not fit the format are refused, naming the field', () => {
    const document = files[0]!.document;
    const badKpp = { ...document, payer: { ...document.payer, kpp: '12' } } as EdmDocument;
    expect(() => build(badKpp)).toThrow(EdmRequisitesError);
    expect(() => build(badKpp)).toThrow(/payer\.kpp/);
    const foreign = { ...document, payer: { ...document.payer, taxId: 'DE123456789' } } as EdmDocument;
    expect(() => build(foreign)).toThrow(/payer\.taxId/);
  });
});

describe("the schema's conditional (Schematron) rules for each Функция", () => {
  it.each(['СЧФ', 'СЧФДОП'])(
    '%s carries the invoice part: seller and buyer addresses, the goods table with VAT, the totals without VAT',
    (fn) => {
      for (const { file } of byFunction(fn)) {
        const doc = one(file.root, 'Документ')!;
        // 0001.950.132: addresses of the seller and the buyer; 0001.950.470: the table.
        expect(all(doc, 'СвСчФакт/СвПрод/Адрес')).toHaveLength(1);
        expect(all(doc, 'СвСчФакт/СвПокуп/Адрес')).toHaveLength(1);
        expect(all(doc, 'ТаблСчФакт')).toHaveLength(1);
        // СтТовБезНДСВсего is required for СЧФДОП, and for СЧФ unless СпОбстФСЧФ = 2 (never set here).
        expect(attr(one(doc, 'ТаблСчФакт/ВсегоОпл'), 'СтТовБезНДСВсего')).toBeDefined();
        expect(all(doc, 'СвСчФакт/ДопСвФХЖ1')).toHaveLength(0);
        // Line 5a: the shipment document (the UPD itself for СЧФДОП, the act/UPD for СЧФ).
        expect(all(doc, 'СвСчФакт/ДокПодтвОтгрНом')).toHaveLength(1);
      }
    },
  );

  it.each(['ДОП', 'СЧФДОП'])(
    '%s carries the transfer part: СвПродПер with the operation and the service period',
    (fn) => {
      for (const { file, document } of byFunction(fn)) {
        const doc = one(file.root, 'Документ')!;
        const transfer = one(doc, 'СвПродПер/СвПер')!;
        expect(attr(transfer, 'СодОпер')).toBe('Услуги оказаны в полном объеме');
        // ДатаПер excludes ДатаНачПер/ДатаОконПер.
        expect(attr(transfer, 'ДатаПер')).toBeUndefined();
        expect(attr(transfer, 'ДатаНачПер')).toBe(
          document.servicePeriod.firstDay.split('-').reverse().join('.'),
        );
        expect(attr(transfer, 'ДатаОконПер')).toBe(
          document.servicePeriod.lastDay.split('-').reverse().join('.'),
        );
        // The choice of basis: a basis document or none.
        expect(all(transfer, 'ОснПер').length + all(transfer, 'БезДокОснПер').length).toBeGreaterThan(0);
        // 0001.950.138: ПоФактХЖ and НаимДокОпр whenever Функция ≠ СЧФ.
        expect(attr(doc, 'ПоФактХЖ')).toBeDefined();
        expect(attr(doc, 'НаимДокОпр')).toMatch(
          fn === 'СЧФДОП' ? /^Счет-фактура и документ об отгрузке/ : /^Документ об отгрузке/,
        );
      }
    },
  );

  it('СЧФ is a VAT invoice only: no transfer part, no primary-document names', () => {
    for (const { file } of byFunction('СЧФ')) {
      const doc = one(file.root, 'Документ')!;
      expect(all(doc, 'СвПродПер')).toHaveLength(0);
      expect(attr(doc, 'ПоФактХЖ')).toBeUndefined();
      expect(attr(doc, 'НаимДокОпр')).toBeUndefined();
      expect(attr(one(doc, 'СвСчФакт/ДокПодтвОтгрНом'), 'РеквНаимДок')).toBe(
        'Универсальный передаточный документ',
      );
    }
  });

  it('ДОП carries no VAT-invoice-only items: no shipment-document line, payment documents, customs data or invoice circumstances', () => {
    for (const { file } of byFunction('ДОП')) {
      const doc = one(file.root, 'Документ')!;
      expect(all(doc, 'СвСчФакт/ДокПодтвОтгрНом')).toHaveLength(0);
      expect(all(doc, 'СвСчФакт/СвПРД')).toHaveLength(0);
      expect(all(doc, 'СвСчФакт/ИспрДок')).toHaveLength(0);
      expect(all(doc, 'ТаблСчФакт/СведТов/СвДТ')).toHaveLength(0);
      expect(all(doc, 'СвСчФакт/ДопСвФХЖ1')).toHaveLength(0);
      // A status-2 UPD still lists what was transferred, with amounts.
      expect(all(doc, 'ТаблСчФакт/СведТов').length).toBeGreaterThan(0);
    }
  });

  it('every line: НаимТов, the rate, amounts consistent (net + VAT = gross) and totals that are the sums', () => {
    for (const { file, document } of files) {
      const table = one(one(file.root, 'Документ')!, 'ТаблСчФакт')!;
      const lines = all(table, 'СведТов');
      expect(lines).toHaveLength(document.lines.length);
      lines.forEach((line, index) => {
        const source = document.lines[index]!;
        expect(attr(line, 'НомСтр')).toBe(String(index + 1));
        expect(attr(line, 'НалСт')).toBe(`${(source.vatRate as { percent: string }).percent}%`);
        const vat = text(one(line, 'СумНал/СумНал'));
        expect(new Big(attr(line, 'СтТовБезНДС')!).plus(vat!).eq(attr(line, 'СтТовУчНал')!)).toBe(true);
        if (source.sku === undefined) {
          expect(attr(line, 'НаимТов')).toBe(source.description);
          // A line for a whole service has no unit: НаимЕдИзм would need ОКЕИ_Тов (0001.950.471), and КолТов
          // must be > 0 (0001.950.612): none is given.
          for (const name of ['НаимЕдИзм', 'ОКЕИ_Тов', 'КолТов', 'ЦенаТов'])
            expect(attr(line, name)).toBeUndefined();
        }
      });
      const total = one(table, 'ВсегоОпл')!;
      const sum = (pick: (l: XmlElement) => string) =>
        lines.reduce((s, l) => s.plus(pick(l)), new Big(0)).toFixed(2);
      expect(attr(total, 'СтТовБезНДСВсего')).toBe(sum((l) => attr(l, 'СтТовБезНДС')!));
      expect(attr(total, 'СтТовУчНалВсего')).toBe(sum((l) => attr(l, 'СтТовУчНал')!));
      expect(text(one(total, 'СумНалВсего/СумНал'))).toBe(sum((l) => text(one(l, 'СумНал/СумНал'))!));
      expect(attr(total, 'СтТовУчНалВсего')).toBe(document.totals.gross);
    }
  });

  it('a SKU line (issue 13): the SKU’s Russian name, OKEI unit, quantity and net unit price from the line', () => {
    const skuFiles = files.filter((f) => f.document.lines.some((l) => l.sku !== undefined));
    expect(new Set(skuFiles.map((f) => f.file.function))).toEqual(new Set(['СЧФДОП', 'ДОП', 'СЧФ']));
    for (const { file, document } of skuFiles) {
      const lines = all(one(one(file.root, 'Документ')!, 'ТаблСчФакт')!, 'СведТов');
      expect(
        lines.map((line) =>
          ['НаимТов', 'ОКЕИ_Тов', 'НаимЕдИзм', 'КолТов', 'ЦенаТов'].map((name) => attr(line, name)),
        ),
      ).toEqual([
        ['Блочное хранилище: SSD-диски', '356', 'ГБ·ч', '36000', document.lines[0]!.unitPrice],
        [
          'Вычислительные ресурсы: оперативная память',
          '356',
          'ГБ·ч',
          '2882.000000001',
          document.lines[1]!.unitPrice,
        ],
        ['Вычислительные ресурсы: вЦПУ', '356', 'вЦПУ·ч', '720.5', document.lines[2]!.unitPrice],
      ]);
      // The price is the line's: net ÷ quantity to at most 6 decimals (250.09 ÷ 36000 = 0.006947 at 22 %).
      expect(document.lines[0]!.unitPrice).toBe('0.006947');
    }
  });

  it('a SKU the names do not know, or a line without a quantity, gives no unit, quantity or price', () => {
    const { document } = files.find((f) => f.document.lines.some((l) => l.sku !== undefined))!;
    const file = build(document, { skuNames: new Map() });
    for (const line of all(one(one(file.root, 'Документ')!, 'ТаблСчФакт')!, 'СведТов')) {
      expect(attr(line, 'НаимТов')).toMatch(/^(Block Storage|Cloud Compute): /);
      for (const name of ['НаимЕдИзм', 'ОКЕИ_Тов', 'КолТов', 'ЦенаТов'])
        expect(attr(line, name)).toBeUndefined();
    }
  });

  it('"without VAT" is written «без НДС» (0001.65 refuses «Без НДС» and «БезНДС»)', () => {
    const document = files[0]!.document;
    const noVat = {
      ...document,
      lines: document.lines.map((l) => ({ ...l, vatRate: { kind: 'none' }, vat: '0.00', gross: l.net })),
      totals: { ...document.totals, vat: '0.00', gross: document.totals.net },
    } as EdmDocument;
    const table = one(one(build(noVat).root, 'Документ')!, 'ТаблСчФакт')!;
    for (const line of all(table, 'СведТов')) {
      expect(attr(line, 'НалСт')).toBe('без НДС');
      expect(text(one(line, 'СумНал/БезНДС'))).toBe('без НДС');
    }
    expect(text(one(table, 'ВсегоОпл/СумНалВсего/БезНДС'))).toBe('без НДС');
  });

  it('the signer: authority by the electronic signature (1), so no power of attorney (СвДоверЭл needs 3, СвДоверБум 5)', () => {
    for (const { file } of files) {
      const signer = one(one(file.root, 'Документ')!, 'Подписант')!;
      expect(attr(signer, 'СпосПодтПолном')).toBe('1');
      expect(all(signer, 'СвДоверЭл')).toHaveLength(0);
      expect(all(signer, 'СвДоверБум')).toHaveLength(0);
      expect(attr(one(signer, 'ФИО'), 'Фамилия')).toBe('Иванов');
    }
  });
});

describe('parties', () => {
  it('a legal entity is СвЮЛУч with its KPP; a sole proprietor is СвИП with the 12-digit INN and a name in parts', () => {
    const legal = files.find((f) => f.document.payer.taxId === LEGAL_ENTITY.taxId)!;
    const buyer = one(one(legal.file.root, 'Документ')!, 'СвСчФакт/СвПокуп/ИдСв/СвЮЛУч');
    expect(attr(buyer, 'ИННЮЛ')).toBe('7707083893');
    expect(attr(buyer, 'КПП')).toBe('773601001');
    expect(attr(buyer, 'НаимОрг')).toBe(LEGAL_ENTITY.name);

    const sole = files.find((f) => f.document.payer.taxId === SOLE_PROPRIETOR.taxId)!;
    const person = one(one(sole.file.root, 'Документ')!, 'СвСчФакт/СвПокуп/ИдСв/СвИП');
    expect(attr(person, 'ИННФЛ')).toBe('500100732259');
    expect(attr(person, 'КПП')).toBeUndefined();
    expect(one(person!, 'ФИО')!.attributes).toEqual([
      ['Фамилия', 'Петров'],
      ['Имя', 'Пётр'],
      ['Отчество', 'Петрович'],
    ]);
    expect(sole.file.fileId).toContain('_500100732259_7707049388770701001_');
  });

  it('splits a proprietor name with or without the «ИП» prefix; one word gets «-» as the given name', () => {
    expect(proprietorName('Индивидуальный предприниматель Сидорова Анна')).toEqual({
      Фамилия: 'Сидорова',
      Имя: 'Анна',
      Отчество: undefined,
    });
    expect(proprietorName('Ким')).toEqual({ Фамилия: 'Ким', Имя: '-', Отчество: undefined });
  });

  it('the seller: the issuer with its bank; addresses as free text in Russia (АдрИнф, 643)', () => {
    const doc = one(files[0]!.file.root, 'Документ')!;
    expect(attr(one(doc, 'СвСчФакт/СвПрод/ИдСв/СвЮЛУч'), 'ИННЮЛ')).toBe('7707049388');
    expect(attr(one(doc, 'СвСчФакт/СвПрод/БанкРекв/СвБанк'), 'БИК')).toBe('044525225');
    expect(one(doc, 'СвСчФакт/СвПокуп/Адрес/АдрИнф')!.attributes).toEqual([
      ['КодСтр', '643'],
      ['НаимСтран', 'Россия'],
      ['АдрТекст', files[0]!.document.payer.address],
    ]);
    expect(attr(one(doc, 'СвСчФакт/ДенИзм'), 'КодОКВ')).toBe('643');
  });

  it('a VAT invoice names the act or UPD it accompanies', () => {
    const [act] = issuedDocuments(
      'upd-status-1',
      { periodId: '2026-03', closedAt: '2026-03-31T21:00:00.000Z', year: '2026', rate: '22' },
      { who: 'legal entity', details: LEGAL_ENTITY, payerType: 'legal-entity' },
    );
    expect(shipmentDocumentOf({ ...(act as Numbered), kind: 'act' })).toEqual({
      name: 'Акт об оказании услуг',
      number: act!.number,
      date: act!.date,
    });
  });
});

describe('escaping', () => {
  it('escapes markup in attributes and text, and writes what windows-1251 lacks as character references', () => {
    expect(escapeXml('A & B <"c"> \'d\'')).toBe("A &amp; B &lt;&quot;c&quot;&gt; 'd'");
    expect(escapeXml('a\tb\nc')).toBe('a&#9;b&#10;c');
    expect(escapeXml('"x"\n', false)).toBe('"x"\n');
    expect(escapeXml('«Ёлка» № 5 — €')).toBe('«Ёлка» № 5 — €');
    expect(escapeXml('Ω 😀 ā')).toBe('&#937; &#128512; &#257;');
    expect(escapeXml('bad\u0001\uffff')).toBe('bad&#65533;&#65533;');
    expect(encodableInWindows1251('Я')).toBe(true);
    expect(encodableInWindows1251('Ω')).toBe(false);
  });

  it('the names with quotes, ampersands and angle brackets come out escaped in the file', () => {
    const legal = files.find((f) => f.document.payer.taxId === LEGAL_ENTITY.taxId)!;
    expect(legal.file.xml).toContain('НаимОрг="ООО «Ромашка &amp; Партнёры» &lt;&quot;Север&quot;&gt;"');
    expect(legal.file.xml).toContain('офис «&#937;-3»');
    expect(legal.file.xml).toContain('НаимТов="Compute Cloud &lt;vCPU &amp; RAM&gt;"');
  });
});

/** Numbering in the order of dates (issue 13): a document drawn up after its shipment. */
describe('a document drawn up late: its date and the shipment’s', () => {
  const late = lateEdmCases('2026-05-06').map((c) => ({
    ...c,
    file: build(c.document, c.shipmentDocument ? { shipmentDocument: c.shipmentDocument } : {}),
  }));
  const shipmentInfo = (file: EdmXmlFile) =>
    all(one(file.root, 'Документ')!, 'СвСчФакт/ИнфПолФХЖ1/ТекстИнф').map((t) => [
      attr(t, 'Идентиф'),
      attr(t, 'Значен'),
    ]);

  it('covers every function', () => {
    expect(new Set(late.map((c) => c.file.function))).toEqual(new Set(['СЧФДОП', 'ДОП', 'СЧФ']));
  });

  it('ДатаДок and the moment formed are the day it was drawn up; the shipment date is named apart', () => {
    for (const { file } of late) {
      const doc = one(file.root, 'Документ')!;
      expect(attr(one(doc, 'СвСчФакт'), 'ДатаДок')).toBe('06.05.2026');
      expect(attr(doc, 'ДатаИнфПр')).toBe('06.05.2026');
      expect(file.fileId).toContain('_20260506_');
      expect(shipmentInfo(file)).toEqual([[SHIPMENT_DATE_INFO, '31.03.2026']]);
    }
  });

  it('a UPD’s transfer keeps the service period, so it ends on the shipment date', () => {
    for (const { file } of late.filter((c) => c.file.function !== 'СЧФ')) {
      const transfer = one(file.root, 'Документ/СвПродПер/СвПер')!;
      expect(attr(transfer, 'ДатаНачПер')).toBe('01.03.2026');
      expect(attr(transfer, 'ДатаОконПер')).toBe('31.03.2026');
    }
  });

  it('line 5a names the shipment document by its own date: the UPD itself, or the UPD a VAT invoice accompanies', () => {
    for (const { file, document } of late.filter((c) => c.file.function !== 'ДОП')) {
      const line5a = one(file.root, 'Документ/СвСчФакт/ДокПодтвОтгрНом')!;
      expect(attr(line5a, 'РеквДатаДок')).toBe('06.05.2026');
      if (file.function === 'СЧФДОП') expect(attr(line5a, 'РеквНомерДок')).toBe(document.number);
    }
  });

  it('a document drawn up on time carries no separate shipment date', () => {
    for (const { file } of files) expect(shipmentInfo(file)).toEqual([]);
  });
});
