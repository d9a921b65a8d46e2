/**
 * Reads a rendered PDF back as a Russian accountant's software would: its text layer (pdftotext) and its
 * first page as an image (pdftoppm), both from Debian's poppler-utils. Set FORMS_PNG_DIR to keep the
 * pages (docs/documents/ holds one of each form).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RenderedPdf {
  /**
   * The text layer, whitespace collapsed to single spaces: in reading order (a table cell's lines stay
   * together), then as laid out (a row's cells on one line), so a field is found in either.
   */
  readonly text: string;
  readonly pages: number;
  /** Size in bytes of the first page as a PNG. */
  readonly pngBytes: number;
}

export function readPdf(pdf: Buffer, name: string): RenderedPdf {
  const dir = mkdtempSync(join(tmpdir(), 'forms-'));
  try {
    const file = join(dir, `${name}.pdf`);
    writeFileSync(file, pdf);
    const raw = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const laidOut = execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-'], { encoding: 'utf8' });
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0);
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '110',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      file,
      join(dir, name),
    ]);
    const png = join(dir, `${name}.png`);
    const keep = process.env['FORMS_PNG_DIR'];
    if (keep) {
      copyFileSync(png, join(keep, `${name}.png`));
      writeFileSync(join(keep, `${name}.txt`), `${raw}\n${laidOut}`);
    }
    const pngBytes = statSync(png).size;
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const collapse = (text: string) => text.replace(/[\s\u00a0]+/g, ' ');
    return { text: `${collapse(raw)} | ${collapse(laidOut)}`, pages, pngBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The required fields a form's text layer lacks (an empty list when all are there). */
export function missingFields(text: string, required: readonly string[]): string[] {
  return required.filter((field) => !text.includes(field.replace(/[\s\u00a0]+/g, ' ')));
}
