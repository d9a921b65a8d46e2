import { problem } from '../platform/http/problem-details.js';

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Date.parse rolls 2026-02-30 over to 2 March; a real calendar date survives the round trip. */
const isRealDate = (value: string) =>
  LOCAL_DATE.test(value) &&
  !Number.isNaN(Date.parse(value)) &&
  new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

/** A `from`–`to` range of local dates (YYYY-MM-DD) from the query, or a 400 naming the field. */
export function dateRange(from?: string, to?: string): { from: string; to: string } {
  const bad = (field: string) =>
    problem(400, 'VALIDATION_FAILED', 'The request is invalid', `${field} must be a date YYYY-MM-DD`, {
      errors: [{ field, rule: 'isDate', message: `${field} must be a date YYYY-MM-DD` }],
    });
  if (!from || !isRealDate(from)) throw bad('from');
  if (!to || !isRealDate(to)) throw bad('to');
  if (from > to) {
    throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', 'from must not be after to', {
      errors: [{ field: 'from', rule: 'range', message: 'from must not be after to' }],
    });
  }
  return { from, to };
}
