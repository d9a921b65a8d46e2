/**
 * Every generated UPD and VAT invoice validates against the tax service's own schema (format 5.03, KND
 * 1115131), checked by a real validator — libxml2's `xmllint --schema` — on the windows-1251 bytes the route
 * serves, saved under the file name the format requires (`<ИдФайл>.xml`).
 *
 * The schema is reference data kept outside the repository: EDM_SCHEMA_DIR (relative to the repository root,
 * or absolute), by default `../shared/edm` beside the checkout. Without the schema or xmllint the suite
 * fails naming what is missing; CI has both (`.ci/run` installs libxml2-utils).
 */
import { basename } from 'node:path';
import { edmCases, EDM_SIGNER, lateEdmCases } from '../../domain/documents/edm/edm.fixtures.js';
import { edmXmlFor, rateOf } from '../../domain/documents/edm/upd-xml.js';
import { updSchemaUnavailable, validateAgainstSchema as validate } from '../../../test/support/edm-schema.js';
import { encodeEdmXml } from './edm-file.js';

describe("EDM XML against the tax service's schema (xmllint --schema, format 5.03)", () => {
  const cases = edmCases();

  it('the schema and xmllint are here (EDM_SCHEMA_DIR; Debian package libxml2-utils)', () => {
    expect(updSchemaUnavailable).toBeNull();
  });

  it('covers every function, both RU VAT rates and both kinds of buyer', () => {
    const files = cases.map((c) => ({ c, file: edmXmlFor({ document: c.document, signer: EDM_SIGNER }) }));
    expect(new Set(files.map((f) => f.file.function))).toEqual(new Set(['СЧФДОП', 'ДОП', 'СЧФ']));
    const rates = cases.flatMap((c) => c.document.lines.map((l) => rateOf(l.vatRate)));
    expect(new Set(rates)).toEqual(new Set(['20%', '22%']));
    expect(files.some((f) => f.file.xml.includes('КПП="773601001"'))).toBe(true);
    expect(files.some((f) => f.file.xml.includes('<СвИП ИННФЛ="500100732259"'))).toBe(true);
  });

  it.each(cases.map((c) => [c.label, c] as const))('%s validates', (_label, c) => {
    const file = edmXmlFor({
      document: c.document,
      signer: EDM_SIGNER,
      ...(c.shipmentDocument ? { shipmentDocument: c.shipmentDocument } : {}),
    });
    const result = validate(encodeEdmXml(file), file.fileName);
    expect(result.output).toContain('validates');
    expect(result.status).toBe(0);
    // The schema's own rule: the file name is the file id plus `.xml`.
    expect(basename(result.path).toUpperCase()).toBe(`${file.fileId}.xml`.toUpperCase());
  });

  // Drawn up late (numbering in date order): another ДатаДок and the shipment date in ИнфПолФХЖ1.
  it.each(lateEdmCases().map((c) => [c.label, c] as const))('%s validates', (_label, c) => {
    const file = edmXmlFor({
      document: c.document,
      signer: EDM_SIGNER,
      ...(c.shipmentDocument ? { shipmentDocument: c.shipmentDocument } : {}),
    });
    const result = validate(encodeEdmXml(file), file.fileName);
    expect(result.output).toContain('validates');
    expect(result.status).toBe(0);
  });

  it('the validator does reject a file that breaks the schema (the check is real)', () => {
    const [first] = cases;
    const file = edmXmlFor({ document: first!.document, signer: EDM_SIGNER });
    const broken = { xml: file.xml.replace(/ КНД="1115131"/, ' КНД="11151"') };
    const result = validate(encodeEdmXml(broken), file.fileName);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/fails to validate/);
  });
});
