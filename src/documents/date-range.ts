import { problem } from '../platform/http/problem-details.js';

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `from`–`to` range of local dates (YYYY-MM-DD) from the query, or a 400 naming the field. */
export function dateRange(from?: string, to?: string): { from: string; to: string } {
  const bad = (field: string) =>
    problem(400, 'VALIDATION_FAILED', 'The request is invalid', `${field} must be a date YYYY-MM-DD`, {
      errors: [{ field, rule: 'isDate', message: `${field} must be a date YYYY-MM-DD` }],
    });
  if (!from || !LOCAL_DATE.test(from) || Number.isNaN(Date.parse(from))) throw bad('from');
  if (!to || !LOCAL_DATE.test(to) || Number.isNaN(Date.parse(to))) throw bad('to');
  if (from > to) {
    throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', 'from must not be after to', {
      errors: [{ field: 'from', rule: 'range', message: 'from must not be after to' }],
    });
  }
  return { from, to };
}
