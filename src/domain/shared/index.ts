/** Public API of the shared pure domain: money, rounding, VAT, tax ids, periods, penalties, grants. */
export { DomainError, describeValue } from './errors.js';
export * from './decimal.js';
export * from './money.js';
export * from './rounding.js';
export * from './calendar.js';
export * from './reporting-period.js';
export * from './vat.js';
export * from './tax-ids.js';
export * from './penalties.js';
export * from './grant-allocation.js';
