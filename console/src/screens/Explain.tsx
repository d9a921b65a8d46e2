import { useEffect, useState } from 'react';
import {
  getBlobUrl,
  getJson,
  query,
  type BalanceDerivation,
  type DocumentDerivation,
  type EventReference,
} from '../api';
import { Failure, useLoad } from '../load';
import { formatMoney, formatTime } from '../money';

/**
 * "explain" beside an amount (audit scope): where the figure comes from, as the audit routes derive it from
 * the event log. The console adds nothing up itself: the sums shown are the API's, so what the auditor reads
 * is what the service would defend.
 */
export function ExplainButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="explain" data-explain aria-label={label} title={label} onClick={onClick}>
      explain
    </button>
  );
}

/** An event as a person finds it again: its id, then its stream and revision (the timeline's "Stream"). */
function EventCell({ event }: { event: EventReference | null }) {
  if (!event) return <span className="muted">—</span>;
  return (
    <span className="event-ref">
      <code data-testid="event-id">{event.eventId}</code>
      <br />
      <span className="muted">
        {event.stream} r{event.revision} · #{event.position}
      </span>
    </span>
  );
}

/** The balance as of the summary's time and basis: the opening carried in, every movement, their sum. */
export function BalanceExplain(props: {
  accountId: string;
  asOf: string;
  basis: string;
  onClose: () => void;
}) {
  const derivation = useLoad(
    () =>
      getJson<BalanceDerivation>(
        `/v1/audit/accounts/${encodeURIComponent(props.accountId)}/balance-derivation${query({
          asOf: props.asOf,
          basis: props.basis,
        })}`,
      ),
    JSON.stringify([props.accountId, props.asOf, props.basis]),
  );
  const d = derivation.data;
  return (
    <div className="card wide explain-panel" data-testid="balance-explain">
      <div className="toolbar">
        <h2>
          Balance as of {formatTime(props.asOf)} ({props.basis}): how it adds up
        </h2>
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      <Failure error={derivation.error} />
      {d && (
        <>
          <p className="muted">
            Period {d.periodId ?? '— (none yet)'}: its opening, then every event of the period that counts by{' '}
            {d.basis} time at {formatTime(d.asOf)} and moved the balance.
          </p>
          <table data-testid="balance-derivation">
            <thead>
              <tr>
                <th>Step</th>
                <th>Event</th>
                <th>Effective</th>
                <th>Recorded</th>
                <th className="num">Amount</th>
                <th className="num">Balance after</th>
              </tr>
            </thead>
            <tbody>
              <tr data-testid="opening">
                <td>
                  Opening
                  {d.opening.carriedBy && (
                    <div className="muted" data-testid="carried-by">
                      carried out of {d.opening.carriedBy.stream} by PeriodClosed{' '}
                      <code>{d.opening.carriedBy.eventId}</code> (closing balance{' '}
                      {formatMoney(d.opening.carriedBy.closingBalance, d.currency)})
                    </div>
                  )}
                </td>
                <td>
                  <EventCell event={d.opening.event} />
                </td>
                <td>{formatTime(d.opening.event?.effectiveAt)}</td>
                <td>{formatTime(d.opening.event?.recordedAt)}</td>
                <td className="num" data-testid="amount">
                  {formatMoney(d.opening.balance, d.currency)}
                </td>
                <td className="num">{formatMoney(d.opening.balance, d.currency)}</td>
              </tr>
              {d.movements.map((movement) => (
                <tr key={movement.event.eventId} data-testid="movement">
                  <td>{movement.type}</td>
                  <td>
                    <EventCell event={movement.event} />
                  </td>
                  <td>{formatTime(movement.event.effectiveAt)}</td>
                  <td>{formatTime(movement.event.recordedAt)}</td>
                  <td className="num" data-testid="amount">
                    {formatMoney(movement.amount, d.currency)}
                  </td>
                  <td className="num">{formatMoney(movement.balanceAfter, d.currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={4}>
                  Opening + {d.movements.length} movement{d.movements.length === 1 ? '' : 's'}
                </th>
                <th className="num" data-testid="derivation-sum">
                  {formatMoney(d.sum, d.currency)}
                </th>
                <th className={d.reconciles ? 'ok' : 'error'} data-testid="derivation-verdict">
                  {d.reconciles
                    ? `= balance ${formatMoney(d.balance, d.currency)}`
                    : `≠ balance ${formatMoney(d.balance, d.currency)}`}
                </th>
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </div>
  );
}

/** The CSV of a derivation, fetched with the key (a plain link cannot send it) and saved as a file. */
function CsvLink({ number }: { number: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    getBlobUrl(`/v1/audit/documents/${encodeURIComponent(number)}/derivation?format=csv`).then(
      (csv) => current && setUrl(csv.url),
      () => current && setUrl(null),
    );
    return () => {
      current = false;
    };
  }, [number]);
  return url ? (
    <a href={url} download={`${number}-derivation.csv`} data-testid="derivation-csv">
      Download as CSV
    </a>
  ) : null;
}

const tiers = (row: DocumentDerivation['usage'][number]) =>
  row.price?.segments.map((s) => `${s.quantity} × ${s.unitPrice} = ${s.amount}`).join(' + ') ?? '—';

/** A closing document's figures: usage records → price → funding → service rounding → SKU split → VAT → totals. */
export function DocumentExplain({ number, onClose }: { number: string; onClose: () => void }) {
  const derivation = useLoad(
    () => getJson<DocumentDerivation>(`/v1/audit/documents/${encodeURIComponent(number)}/derivation`),
    number,
  );
  const d = derivation.data;
  const money = (amount: string) => formatMoney(amount);
  return (
    <div className="card wide explain-panel" data-testid="document-explain">
      <div className="toolbar">
        <h2>
          How <span data-testid="explained-number">{number}</span> adds up
        </h2>
        {d && <CsvLink number={number} />}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <Failure error={derivation.error} />
      {d && (
        <>
          <p className="muted">
            {d.document.kind} of {d.document.date}, period {d.document.periodId}, {d.document.currency};
            issued by DocumentIssued <code>{d.document.issuedBy.eventId}</code> ({d.document.issuedBy.stream}{' '}
            r{d.document.issuedBy.revision}).
          </p>
          <h3>1. Usage records</h3>
          <table data-testid="derivation-usage">
            <thead>
              <tr>
                <th>Record</th>
                <th>Event</th>
                <th>Line</th>
                <th>SKU</th>
                <th className="num">Quantity</th>
                <th>Price (catalog, tiers)</th>
                <th className="num">Charged</th>
                <th>From grants</th>
                <th className="num">From balance</th>
                <th className="num">Excluded</th>
                <th className="num">Documented</th>
              </tr>
            </thead>
            <tbody>
              {d.usage.map((row) => (
                <tr key={row.event.eventId}>
                  <td>{row.usageRecordId}</td>
                  <td>
                    <EventCell event={row.event} />
                  </td>
                  <td>{row.lines.join(', ')}</td>
                  <td>{row.sku}</td>
                  <td className="num">
                    {row.quantity} {row.unit}
                  </td>
                  <td>
                    {row.catalogVersion}: {tiers(row)}
                    {row.price && !row.price.matchesRecord && (
                      <div className="error">re-rated {row.price.rated}, the record differs</div>
                    )}
                  </td>
                  <td className="num">{row.amount}</td>
                  <td>{row.fromGrants.map((g) => `${g.grantId}: ${g.amount}`).join(', ') || '—'}</td>
                  <td className="num">{row.fromBalance}</td>
                  <td className="num">{row.excluded}</td>
                  <td className="num">{row.documented}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>2. Per service: rounded once, then split over its SKUs</h3>
          <table data-testid="derivation-services">
            <thead>
              <tr>
                <th>Service / SKU</th>
                <th className="num">Documented (exact)</th>
                <th className="num">Rounded</th>
                <th className="num">Confirmed earlier</th>
                <th className="num">Weight</th>
                <th className="num">Exact share (minor units)</th>
                <th className="num">Gross</th>
              </tr>
            </thead>
            <tbody>
              {d.services.flatMap((service) => [
                <tr key={service.service}>
                  <td>
                    <strong>{service.service}</strong>
                  </td>
                  <td className="num">{service.exact}</td>
                  <td className="num">{money(service.rounded)}</td>
                  <td className="num">{money(service.confirmedEarlier)}</td>
                  <td />
                  <td />
                  <td className="num">{money(service.gross)}</td>
                </tr>,
                ...(service.allocation ?? []).map((part) => (
                  <tr key={`${service.service}/${part.sku}`}>
                    <td className="indent">
                      {part.sku} ({part.quantity})
                    </td>
                    <td />
                    <td />
                    <td />
                    <td className="num">{part.weight}</td>
                    <td className="num">{part.exactShare}</td>
                    <td className="num">{money(part.allocated)}</td>
                  </tr>
                )),
              ])}
            </tbody>
          </table>
          <h3>3. Lines: VAT, and the figures as issued</h3>
          <table data-testid="derivation-lines">
            <thead>
              <tr>
                <th>#</th>
                <th>Description</th>
                <th className="num">Quantity</th>
                <th className="num">VAT rate</th>
                <th className="num">VAT exact</th>
                <th className="num">VAT</th>
                <th className="num">Net</th>
                <th className="num">Gross</th>
                <th className="num">Issued (net / VAT / gross)</th>
                <th>Matches</th>
              </tr>
            </thead>
            <tbody>
              {d.lines.map((line) => (
                <tr key={line.line} data-testid="derivation-line">
                  <td>{line.line}</td>
                  <td>{line.description}</td>
                  <td className="num">{line.quantity ?? '—'}</td>
                  <td className="num">{line.vatRate}</td>
                  <td className="num">{line.vatExact}</td>
                  <td className="num">{money(line.vat)}</td>
                  <td className="num">{money(line.net)}</td>
                  <td className="num" data-testid="line-gross">
                    {money(line.gross)}
                  </td>
                  <td className="num">
                    {money(line.issued.net)} / {money(line.issued.vat)} / {money(line.issued.gross)}
                  </td>
                  <td className={line.matches ? 'ok' : 'error'}>{line.matches ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="derivation-totals">
                <th colSpan={5}>Sum of the lines (the document's totals are never rounded on their own)</th>
                <th className="num">{money(d.totals.sumOfLines.vat)}</th>
                <th className="num">{money(d.totals.sumOfLines.net)}</th>
                <th className="num" data-testid="lines-gross">
                  {money(d.totals.sumOfLines.gross)}
                </th>
                <th className="num" data-testid="issued-totals">
                  {money(d.totals.issued.net)} / {money(d.totals.issued.vat)} / {money(d.totals.issued.gross)}
                </th>
                <th className={d.totals.matches ? 'ok' : 'error'}>{d.totals.matches ? 'yes' : 'no'}</th>
              </tr>
            </tfoot>
          </table>
          <p data-testid="derivation-reconciles" className={d.reconciles ? 'ok' : 'error'}>
            {d.reconciles
              ? `Reconciled: every line and the totals equal the issued ones; amount due ${formatMoney(d.totals.amountDue, d.document.currency)}.`
              : 'Does not reconcile: a recomputed figure differs from the issued one (see the lines marked "no").'}
          </p>
        </>
      )}
    </div>
  );
}
