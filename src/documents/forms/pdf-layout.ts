import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
// DejaVu covers Cyrillic and Kazakh letters; the PDF's standard fonts do not. Condensed fits the wide forms.
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = {
  regular: join(FONT_DIR, 'DejaVuSansCondensed.ttf'),
  bold: join(FONT_DIR, 'DejaVuSansCondensed-Bold.ttf'),
};

export type Align = 'left' | 'center' | 'right';

/** A table column: its share of the table's width (any positive weight) and default alignment. */
export interface Column {
  readonly width: number;
  readonly align?: Align;
}

/** A cell: its text, or the text with options; `span` columns wide (1 by default). */
export type Cell =
  | string
  | {
      readonly text: string;
      readonly span?: number;
      readonly bold?: boolean;
      readonly align?: Align;
      readonly size?: number;
    };

export interface TableOptions {
  /** Repeated at the top of every page the table continues on. */
  readonly header?: readonly (readonly Cell[])[];
  readonly fontSize?: number;
  /** Grid lines around every cell (default true); false for label–value blocks. */
  readonly borders?: boolean;
  readonly padding?: number;
  /** Table width in points (default: the page's content width). */
  readonly width?: number;
}

export interface TextOptions {
  readonly size?: number;
  readonly bold?: boolean;
  readonly align?: Align;
  /** Space after, in points. */
  readonly gap?: number;
}

export interface LayoutOptions {
  readonly orientation?: 'portrait' | 'landscape';
  readonly margin?: number;
  readonly title: string;
  readonly fontSize?: number;
}

/**
 * A small flow layout over pdfkit: text blocks and tables whose rows are measured and placed one after
 * another from the top of the page; a row that does not fit starts a new page (and repeats the table's
 * header there), so a form with any number of lines paginates. Forms describe their content as rows of
 * cells; no form places anything at fixed coordinates.
 */
export class PdfLayout {
  private readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly margin: number;
  readonly fontSize: number;
  /** The top of the next block. */
  private y: number;
  private pages = 1;

  constructor(options: LayoutOptions) {
    this.margin = options.margin ?? 28;
    this.fontSize = options.fontSize ?? 8;
    this.doc = new PDFDocument({
      size: 'A4',
      layout: options.orientation ?? 'portrait',
      margin: this.margin,
      info: { Title: options.title },
      autoFirstPage: true,
      // Kept until the end, so that a form of several pages can number them ("Страница 1 из 3").
      bufferPages: true,
    });
    this.doc.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.done = new Promise<Buffer>((resolve) =>
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks))),
    );
    this.y = this.margin;
  }

  /** The width between the margins. */
  get width(): number {
    return this.doc.page.width - 2 * this.margin;
  }

  get pageCount(): number {
    return this.pages;
  }

  private get bottom(): number {
    return this.doc.page.height - this.margin;
  }

  private font(bold: boolean | undefined, size: number): void {
    this.doc.font(bold ? FONTS.bold : FONTS.regular).fontSize(size);
  }

  /** Starts a new page when `height` points do not fit below the current position. */
  ensureSpace(height: number): void {
    if (this.y + height > this.bottom) this.newPage();
  }

  newPage(): void {
    this.doc.addPage();
    this.pages += 1;
    this.y = this.margin;
  }

  gap(points: number): this {
    this.y += points;
    return this;
  }

  /** A paragraph across the content width; wraps, and moves to a new page when it does not fit. */
  text(text: string, options: TextOptions = {}): this {
    const size = options.size ?? this.fontSize;
    this.font(options.bold, size);
    const height = this.doc.heightOfString(text, { width: this.width });
    this.ensureSpace(height);
    this.doc.text(text, this.margin, this.y, { width: this.width, align: options.align ?? 'left' });
    this.y += height + (options.gap ?? 2);
    return this;
  }

  /**
   * A table: `rows` flow down the page under the optional header; every row is as tall as its tallest
   * cell; a row that does not fit goes to the next page, under the header again.
   */
  table(columns: readonly Column[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): this {
    const tableWidth = options.width ?? this.width;
    const weights = columns.reduce((sum, column) => sum + column.width, 0);
    const widths = columns.map((column) => (column.width / weights) * tableWidth);
    const context: RowContext = {
      columns,
      widths,
      size: options.fontSize ?? this.fontSize,
      padding: options.padding ?? 2,
      borders: options.borders ?? true,
    };
    const header = options.header ?? [];
    const headerHeight = header.reduce((sum, row) => sum + this.rowHeight(row, context), 0);
    const drawHeader = () =>
      header.forEach((row) => this.drawRow(row, context, this.rowHeight(row, context)));
    this.ensureSpace(headerHeight + (rows[0] ? this.rowHeight(rows[0], context) : 0));
    drawHeader();
    for (const row of rows) {
      const height = this.rowHeight(row, context);
      if (this.y + height > this.bottom) {
        this.newPage();
        drawHeader();
      }
      this.drawRow(row, context, height);
    }
    this.y += 3;
    return this;
  }

  /** Label–value pairs without borders: the requisites blocks of the forms. */
  fields(pairs: ReadonlyArray<readonly [string, string]>, labelShare = 0.28, size?: number): this {
    return this.table(
      [{ width: labelShare }, { width: 1 - labelShare }],
      pairs.map(([label, value]) => [{ text: label, bold: true }, value]),
      { borders: false, padding: 1, ...(size !== undefined ? { fontSize: size } : {}) },
    );
  }

  /**
   * Signature blocks side by side: a caption (and the organisation), the position, a line to sign on with
   * the name, and the seal mark (М.П.) when asked.
   */
  signatures(blocks: readonly SignatureBlock[], options: { stamp?: boolean } = {}): this {
    const columns = blocks.map(() => ({ width: 1 }));
    this.ensureSpace(70);
    const rows: Cell[][] = [
      blocks.map((block) => ({
        text: block.organisation ? `${block.caption}: ${block.organisation}` : block.caption,
        bold: true,
      })),
      blocks.map((block) => block.position || '________________________'),
      blocks.map((block) => `\n________________ / ${block.name || '____________________'} /`),
      blocks.map(() => ({ text: '(подпись)                    (расшифровка подписи)', size: 6 })),
    ];
    if (options.stamp) rows.push(blocks.map(() => 'М.П.'));
    this.table(columns, rows, { borders: false });
    return this;
  }

  /** Numbers the pages of a form longer than one page (in the bottom margin), then closes the PDF. */
  finish(): Promise<Buffer> {
    if (this.pages > 1) {
      for (let index = 0; index < this.pages; index += 1) {
        this.doc.switchToPage(index);
        const { bottom } = this.doc.page.margins;
        // Writing in the margin: keep pdfkit from starting a page of its own for it.
        this.doc.page.margins.bottom = 0;
        this.font(false, 6);
        this.doc.text(
          `Страница ${index + 1} из ${this.pages}`,
          this.margin,
          this.doc.page.height - bottom + 8,
          {
            width: this.width,
            align: 'right',
            lineBreak: false,
          },
        );
        this.doc.page.margins.bottom = bottom;
      }
    }
    this.doc.end();
    return this.done;
  }

  private cellBox(row: readonly Cell[], context: RowContext) {
    let column = 0;
    return row.map((cell) => {
      const spec = typeof cell === 'string' ? { text: cell } : cell;
      const span = Math.max(1, spec.span ?? 1);
      const x = context.widths.slice(0, column).reduce((sum, width) => sum + width, this.margin);
      const width = context.widths.slice(column, column + span).reduce((sum, w) => sum + w, 0);
      const align = spec.align ?? context.columns[column]?.align ?? 'left';
      column += span;
      return { spec, x, width, align };
    });
  }

  private rowHeight(row: readonly Cell[], context: RowContext): number {
    let height = 0;
    for (const { spec, width } of this.cellBox(row, context)) {
      this.font(spec.bold, spec.size ?? context.size);
      const inner = Math.max(1, width - 2 * context.padding);
      height = Math.max(height, this.doc.heightOfString(spec.text || ' ', { width: inner }));
    }
    return height + 2 * context.padding;
  }

  private drawRow(row: readonly Cell[], context: RowContext, height: number): void {
    for (const { spec, x, width, align } of this.cellBox(row, context)) {
      if (context.borders) this.doc.lineWidth(0.5).rect(x, this.y, width, height).stroke();
      this.font(spec.bold, spec.size ?? context.size);
      this.doc.text(spec.text, x + context.padding, this.y + context.padding, {
        width: Math.max(1, width - 2 * context.padding),
        align,
      });
    }
    this.y += height;
  }
}

export interface SignatureBlock {
  readonly caption: string;
  readonly organisation?: string;
  readonly position?: string;
  readonly name?: string;
}

interface RowContext {
  readonly columns: readonly Column[];
  readonly widths: readonly number[];
  readonly size: number;
  readonly padding: number;
  readonly borders: boolean;
}
