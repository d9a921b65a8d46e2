/**
 * The forms over documents as the domain composes them (not hand-written fixtures): the service names
 * found in the catalog, the advance line translated, and the tax id label of each jurisdiction.
 */
import { closingDocumentsFor, type ClosingDocument, type Numbered } from '../../domain/documents/index.js';
import {
  KZ_ISSUER,
  RU_ISSUER,
  kzLegal,
  nonResident,
  periodClosed,
  profile,
  ruLegal,
  service,
} from '../../domain/documents/documents.fixtures.js';
import { renderDocumentPdf } from '../document-pdf.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

const numbered = (documents: readonly ClosingDocument[]): Array<Numbered<ClosingDocument>> =>
  documents.map((document, index) => ({
    ...document,
    number: `T-2026-00000${index + 1}`,
    sequence: index + 1,
  }));

const SERVICES = [
  service('Cloud Compute', '1220', '0'),
  service('Object Storage', '122', '0', 'object-storage'),
];

async function textOf(document: Numbered<ClosingDocument>): Promise<string> {
  return readPdf(await renderDocumentPdf(document), `composed-${document.kind}`).text;
}

describe('the forms over composed documents', () => {
  it('a Russian UPD and advance VAT invoice: Russian service names, ИНН/КПП, the advance in Russian', async () => {
    const { documents } = closingDocumentsFor({
      closed: periodClosed({
        byService: SERVICES,
        deposits: '2342',
        documentEligibleDeposits: '2342',
        closingBalance: '1000',
      }),
      account: ruLegal({ profileId: 'vk-legal-prepaid' }),
      issuer: RU_ISSUER,
      profile: profile('vk-legal-prepaid'),
    });
    const [upd, advance] = numbered(documents);
    expect([upd?.kind, advance?.kind]).toEqual(['upd', 'advance-vat-invoice']);
    const updText = await textOf(upd!);
    expect(
      missingFields(updText, [
        'Статус: 1',
        'Услуги облачных вычислений (Cloud Compute)',
        'Услуги объектного хранилища (Object Storage)',
        'ИНН/КПП покупателя: 7707083893/773601001',
        '1 342,00',
      ]),
    ).toEqual([]);
    expect(updText).not.toContain('ИНН/БИН');
    const advanceText = await textOf(advance!);
    expect(
      missingFields(advanceText, [
        'Предварительная оплата (аванс) за услуги облачной платформы',
        '22/122',
        '1 000,00',
      ]),
    ).toEqual([]);
  });

  it('a Kazakh act is form Р-1 with ИИН/БИН and tenge in words; a non-resident act prints the Tax ID and dollars', async () => {
    const kz = closingDocumentsFor({
      closed: periodClosed({ byService: [service('Cloud Compute', '11200', '0')] }),
      account: kzLegal({ profileId: 'yc-legal-prepaid' }),
      issuer: KZ_ISSUER,
      profile: profile('yc-legal-prepaid'),
    });
    const kzAct = numbered(kz.documents).find((document) => document.kind === 'act')!;
    const kzText = await textOf(kzAct);
    expect(
      missingFields(kzText, [
        'Форма Р-1',
        'АКТ ВЫПОЛНЕННЫХ РАБОТ (ОКАЗАННЫХ УСЛУГ)',
        'ИИН/БИН',
        'Dala LLP, Almaty, Abaya 1',
        '971240001315',
        'Одиннадцать тысяч двести тенге 00 тиын',
      ]),
    ).toEqual([]);
    expect(kzText).not.toContain('ИНН/КПП');

    const foreign = closingDocumentsFor({
      closed: periodClosed({ byService: [service('Cloud Compute', '181.01', '0')] }),
      account: nonResident({ profileId: 'yc-legal-prepaid' }),
      issuer: RU_ISSUER,
      profile: profile('yc-legal-prepaid'),
    });
    const foreignAct = numbered(foreign.documents).find((document) => document.kind === 'act')!;
    const foreignText = await textOf(foreignAct);
    expect(
      missingFields(foreignText, [
        'Tax ID',
        'DE123456789',
        'Сто восемьдесят один доллар США 01 цент',
        'без НДС',
      ]),
    ).toEqual([]);
  });
});
