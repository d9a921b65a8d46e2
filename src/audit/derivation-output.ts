import type { Writable } from 'node:stream';

/** A CSV cell: quoted when it holds a comma, a quote or a line break; objects as JSON. */
export const csvCell = (value: unknown): string => {
  const text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const csvRow = (cells: readonly unknown[]): string => cells.map(csvCell).join(',') + '\n';

/** Writes text to a response, waiting when its buffer is full: a large derivation never piles up in memory. */
export function streamWriter(target: Writable) {
  return {
    write(text: string): Promise<void> | void {
      if (target.write(text)) return;
      return new Promise<void>((resolve) => target.once('drain', () => resolve()));
    },
  };
}
