import { useEffect, useState, type FormEvent } from 'react';
import {
  getBlobUrl,
  getJson,
  query,
  type AccountSummary,
  type AuditEvent,
  type DocumentRow,
  type Whoami,
} from '../api';
import { can } from '../App';
import { Failure, useLoad } from '../load';
import { formatMoney, formatTime } from '../money';
import { navigate } from '../router';
import { BalanceExplain, DocumentExplain, ExplainButton } from './Explain';

/** Closing documents are derived from usage records; bills and advance VAT invoices are not (the API says 422). */
const DERIVABLE = new Set(['act', 'vat-invoice', 'upd']);

/**
 * One account: status and why, money, grants, credit, bills, next deadlines (GET /v1/accounts/:id, now or
 * as of a chosen time), the event timeline (audit scope) and the documents with PDF preview and XML. With the
 * audit scope, "explain" beside the balance and each closing document shows how the API derives the figure.
 */
export function AccountScreen({
  accountId,
  who,
  asOf,
}: {
  accountId: string;
  who: Whoami;
  asOf: string | null;
}) {
  const [basis, setBasis] = useState('effective');
  const id = encodeURIComponent(accountId);
  const summary = useLoad(
    () =>
      getJson<AccountSummary>(
        `/v1/accounts/${id}${query({ asOf: asOf ?? undefined, basis: asOf ? basis : undefined })}`,
      ),
    JSON.stringify([accountId, asOf, basis]),
  );
  const s = summary.data;
  const audit = can(who, 'audit');
  const [explainBalance, setExplainBalance] = useState(false);
  // Another time or basis is another balance: its explanation is asked for again.
  useEffect(() => setExplainBalance(false), [accountId, asOf, basis]);
  return (
    <section>
      <h1>
        Account <span data-testid="account-id">{accountId}</span>
      </h1>
      <AsOfPicker accountId={accountId} asOf={asOf} basis={basis} onBasis={setBasis} />
      <Failure error={summary.error} />
      {s && (
        <div className="cards" data-testid="summary">
          <div className="card">
            <h2>Status</h2>
            <p>
              <span className={`status ${s.status.value}`} data-testid="status">
                {s.status.value}
              </span>{' '}
              since {formatTime(s.status.since)}
            </p>
            <p data-testid="status-why">{s.status.why ?? s.status.reason ?? 'No restriction.'}</p>
            <p className="muted">
              {s.payerType} · {s.profile.id} v{s.profile.version} · pays by {s.paymentMethod} · period{' '}
              {s.period.id} · as of {formatTime(s.asOf)} ({s.basis})
            </p>
          </div>
          <div className="card">
            <h2>Money</h2>
            <dl>
              <dt>Balance</dt>
              <dd>
                <span data-testid="balance">{formatMoney(s.balance, s.currency)}</span>
                {audit && (
                  <>
                    {' '}
                    <ExplainButton label="explain the balance" onClick={() => setExplainBalance(true)} />
                  </>
                )}
              </dd>
              <dt>Credit limit</dt>
              <dd data-testid="credit-limit">{formatMoney(s.creditLimit, s.currency)}</dd>
              <dt>Available</dt>
              <dd data-testid="available">{formatMoney(s.availableFunds, s.currency)}</dd>
              <dt>Debt</dt>
              <dd data-testid="debt">{formatMoney(s.debt, s.currency)}</dd>
              <dt>Unpaid bills</dt>
              <dd>{formatMoney(s.outstandingBills, s.currency)}</dd>
            </dl>
          </div>
          <div className="card">
            <h2>Grants</h2>
            {s.grants.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <ul data-testid="grants">
                {s.grants.map((grant) => (
                  <li key={grant.grantId}>
                    {grant.grantId} ({grant.kind ?? 'grant'}):{' '}
                    {formatMoney(grant.remaining ?? grant.amount ?? '0', s.currency)}
                    {grant.expiresAt && `, expires ${formatTime(grant.expiresAt)}`}
                  </li>
                ))}
              </ul>
            )}
            <h2>Open bills</h2>
            {s.openBills.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <ul data-testid="bills">
                {s.openBills.map((bill) => (
                  <li key={bill.billId}>
                    {bill.billId}: {formatMoney(bill.outstanding ?? bill.amount ?? '0', s.currency)}
                    {(bill.dueAt ?? bill.dueDate) && `, due ${formatTime(bill.dueAt ?? bill.dueDate)}`}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="card">
            <h2>Next deadlines</h2>
            <ul data-testid="deadlines">
              {s.nextDeadlines.map((deadline) => (
                <li key={`${deadline.kind}-${deadline.dueAt}`}>
                  {deadline.kind}
                  {deadline.periodId && ` ${deadline.periodId}`}
                  {deadline.billId && ` ${deadline.billId}`}: {formatTime(deadline.dueAt)}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {s && audit && explainBalance && (
        // The summary's own time and basis: the derivation explains exactly the balance shown.
        <BalanceExplain
          accountId={accountId}
          asOf={s.asOf}
          basis={s.basis}
          onClose={() => setExplainBalance(false)}
        />
      )}
      <Documents accountId={accountId} audit={audit} />
      {can(who, 'audit') && <Timeline accountId={accountId} />}
    </section>
  );
}

function AsOfPicker(props: {
  accountId: string;
  asOf: string | null;
  basis: string;
  onBasis: (b: string) => void;
}) {
  // datetime-local has no zone: the console reads and writes UTC, as the API's times are.
  const [value, setValue] = useState(props.asOf ? props.asOf.slice(0, 16) : '');
  const path = `/accounts/${encodeURIComponent(props.accountId)}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(value ? `${path}?asOf=${encodeURIComponent(`${value}:00Z`)}` : path);
  };
  return (
    <form className="inline" onSubmit={submit}>
      <label>
        As of (UTC)
        <input
          name="asOf"
          type="datetime-local"
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
      </label>
      <label>
        Basis
        <select name="basis" value={props.basis} onChange={(event) => props.onBasis(event.target.value)}>
          <option value="effective">effective time</option>
          <option value="recorded">as recorded then</option>
        </select>
      </label>
      <button type="submit">Show</button>
      {props.asOf && (
        <button
          type="button"
          onClick={() => {
            setValue('');
            navigate(path);
          }}
        >
          Now
        </button>
      )}
    </form>
  );
}

/** Documents: the list, a PDF preview, and the tax service's XML where the account exchanges documents by EDM. */
function Documents({ accountId, audit }: { accountId: string; audit: boolean }) {
  const id = encodeURIComponent(accountId);
  const documents = useLoad(() => getJson<DocumentRow[]>(`/v1/accounts/${id}/documents`), accountId);
  const [preview, setPreview] = useState<{ number: string; url: string; size: number } | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [explained, setExplained] = useState<string | null>(null);
  const show = async (number: string) => {
    setError(undefined);
    try {
      const pdf = await getBlobUrl(`/v1/accounts/${id}/documents/${encodeURIComponent(number)}/pdf`);
      setPreview({ number, url: pdf.url, size: pdf.size });
    } catch (failure) {
      setError(failure as Error);
    }
  };
  return (
    <div className="card wide">
      <h2>Documents</h2>
      <Failure error={documents.error ?? error} />
      {documents.data?.length === 0 && <p className="muted">No documents yet.</p>}
      {documents.data && documents.data.length > 0 && (
        <table data-testid="documents">
          <thead>
            <tr>
              <th>Number</th>
              <th>Kind</th>
              <th>Date</th>
              <th>Period</th>
              <th className="num">Net</th>
              <th className="num">VAT</th>
              <th className="num">Gross</th>
              {audit && <th />}
              <th />
            </tr>
          </thead>
          <tbody>
            {documents.data.map((document) => (
              <tr key={document.number}>
                <td>{document.number}</td>
                <td>{document.kind}</td>
                <td>{document.date}</td>
                <td>{document.periodId}</td>
                <td className="num">{formatMoney(document.totals.net)}</td>
                <td className="num">{formatMoney(document.totals.vat)}</td>
                <td className="num">{formatMoney(document.totals.gross)}</td>
                {audit && (
                  <td>
                    {DERIVABLE.has(document.kind) && (
                      <ExplainButton
                        label={`explain ${document.number}`}
                        onClick={() => setExplained(document.number)}
                      />
                    )}
                  </td>
                )}
                <td>
                  <button onClick={() => void show(document.number)}>PDF</button>{' '}
                  {(document.kind === 'upd' || document.kind === 'vat-invoice') && (
                    <XmlLink accountId={accountId} number={document.number} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {audit && explained && (
        <DocumentExplain key={explained} number={explained} onClose={() => setExplained(null)} />
      )}
      {preview && (
        <figure>
          <figcaption data-testid="pdf-caption">
            {preview.number} · PDF, {Math.ceil(preview.size / 1024)} KB ·{' '}
            <a href={preview.url} target="_blank" rel="noreferrer">
              open in a new tab
            </a>
          </figcaption>
          <iframe title={`PDF ${preview.number}`} src={preview.url} className="pdf" />
        </figure>
      )}
    </div>
  );
}

/** The XML link appears only when the service has it (accounts on EDM); fetched with the key, saved as a file. */
function XmlLink({ accountId, number }: { accountId: string; number: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    getBlobUrl(
      `/v1/accounts/${encodeURIComponent(accountId)}/documents/${encodeURIComponent(number)}/xml`,
    ).then(
      (xml) => current && setUrl(xml.url),
      () => current && setUrl(null),
    );
    return () => {
      current = false;
    };
  }, [accountId, number]);
  return url ? (
    <a href={url} download={`${number}.xml`}>
      XML
    </a>
  ) : null;
}

const PAGE = 20;

/** The account's events in log order with who caused them and when: effective vs recorded (audit scope). */
function Timeline({ accountId }: { accountId: string }) {
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>();
  const load = async (after?: string) => {
    try {
      const page = await getJson<{ events: AuditEvent[]; next: string | null }>(
        `/v1/audit/accounts/${encodeURIComponent(accountId)}/events${query({ limit: String(PAGE), after })}`,
      );
      setEvents((shown) => (after ? [...shown, ...page.events] : page.events));
      setNext(page.events.length < PAGE ? null : page.next);
    } catch (failure) {
      setError(failure as Error);
    }
  };
  useEffect(() => {
    void load();
  }, [accountId]);
  return (
    <div className="card wide">
      <h2>Event timeline</h2>
      <Failure error={error} />
      <table data-testid="timeline">
        <thead>
          <tr>
            <th>#</th>
            <th>Event</th>
            <th>Stream</th>
            <th>Who</th>
            <th>Effective</th>
            <th>Recorded</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.position}>
              <td>{event.position}</td>
              <td>
                <details>
                  <summary>{event.type}</summary>
                  <pre>{JSON.stringify(event.data, null, 2)}</pre>
                </details>
              </td>
              <td>
                {event.streamId} r{event.revision}
              </td>
              <td>{event.metadata.actor ?? '—'}</td>
              <td>{formatTime(event.metadata.effectiveAt)}</td>
              <td className={event.metadata.effectiveAt !== event.metadata.recordedAt ? 'late' : ''}>
                {formatTime(event.metadata.recordedAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && (
        <button onClick={() => void load(next)} data-testid="more-events">
          More events
        </button>
      )}
    </div>
  );
}
