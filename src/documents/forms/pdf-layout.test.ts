import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PdfLayout } from './pdf-layout.js';

/** The text of each page of a PDF (pdftotext, page by page). */
function pages(pdf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'layout-'));
  try {
    const file = join(dir, 'layout.pdf');
    writeFileSync(file, pdf);
    const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
    return Array.from({ length: count }, (_, index) =>
      execFileSync('pdftotext', ['-layout', '-f', String(index + 1), '-l', String(index + 1), file, '-'], {
        encoding: 'utf8',
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the forms table layout', () => {
  it('flows rows over pages, repeating the header on each, without losing or splitting a row', async () => {
    const layout = new PdfLayout({ title: 'layout' });
    layout.text('Заголовок документа', { bold: true, size: 12 });
    const rows = Array.from({ length: 150 }, (_, index) => [
      `строка-${index + 1}`,
      index % 10 === 0 ? 'длинный текст, который переносится на несколько строк '.repeat(4) : 'коротко',
      `${index + 1},00`,
    ]);
    layout.table([{ width: 1 }, { width: 4 }, { width: 1, align: 'right' }], rows, {
      header: [
        [
          { text: 'Колонка А', bold: true },
          { text: 'Колонка Б', bold: true },
          { text: 'Сумма', bold: true },
        ],
      ],
    });
    layout.text('Итоговая строка');
    const texts = pages(await layout.finish());
    expect(texts.length).toBeGreaterThanOrEqual(3);
    expect(texts.length).toBe(layout.pageCount);
    for (const text of texts.slice(0, -1)) expect(text).toContain('Колонка А');
    const all = texts.join('\n');
    const found = [...all.matchAll(/строка-(\d+)\b/g)].map((match) => Number(match[1]));
    expect(found).toEqual(rows.map((_, index) => index + 1));
    // Each row on exactly one page: a row's first and last lines are on the same page.
    for (const text of texts) {
      const numbers = [...text.matchAll(/строка-(\d+)\b/g)].map((match) => Number(match[1]));
      for (const number of numbers) expect(text).toMatch(new RegExp(`(^|\\s)${number},00(\\s|$)`));
    }
    expect(texts.at(-1)).toContain('Итоговая строка');
    texts.forEach((text, index) => expect(text).toContain(`Страница ${index + 1} из ${texts.length}`));
  });

  it('spans a cell over columns', async () => {
    const layout = new PdfLayout({ title: 'spans' });
    layout.table(
      [{ width: 1 }, { width: 1 }, { width: 1 }],
      [[{ text: 'через все три колонки одной ячейкой', span: 3 }], ['а', 'б', 'в']],
    );
    const all = pages(await layout.finish());
    expect(all).toHaveLength(1);
    const [text] = all;
    expect(text).not.toContain('Страница');
    expect(text).toContain('через все три колонки одной ячейкой');
    expect(text!.replace(/\s+/g, ' ')).toContain('а б в');
  });
});
