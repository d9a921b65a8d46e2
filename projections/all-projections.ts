import { accountBalancesProjection } from './account-balances.projection.js';
import { accountStatusProjection } from './account-status.projection.js';
import { billingReportProjection } from './billing-report.projection.js';
import { costsProjection } from './costs.projection.js';
import { deadlinesProjection } from './deadlines.projection.js';
import { documentRegistersProjection } from './document-registers.projection.js';
import { documentsProjection } from './documents.projection.js';
import type { Projection } from './runner/projection.js';

/** The read models ops run, list and rebuild. Each is a pure function of the log plus its schema. */
export function allProjections(): Projection[] {
  return [
    accountBalancesProjection,
    accountStatusProjection,
    deadlinesProjection,
    documentsProjection,
    documentRegistersProjection,
    billingReportProjection,
    costsProjection,
  ];
}
