import { useState, type FormEvent } from 'react';
import { getJson, type Verification } from '../api';
import { Failure } from '../load';

/** Verify an account's hash chains (GET /v1/audit/accounts/:id/verify) and name the first bad event. */
export function AuditScreen({ initialAccount }: { initialAccount: string }) {
  const [accountId, setAccountId] = useState(initialAccount);
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const verify = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(null);
    try {
      setResult(
        await getJson<Verification>(`/v1/audit/accounts/${encodeURIComponent(accountId.trim())}/verify`),
      );
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };
  const broken = result?.streams.find((stream) => !stream.intact);
  return (
    <section>
      <h1>Audit</h1>
      <form className="inline" onSubmit={verify}>
        <label>
          Account id
          <input
            name="verifyAccountId"
            value={accountId}
            onChange={(event) => setAccountId(event.target.value)}
          />
        </label>
        <button type="submit" disabled={busy || !accountId.trim()}>
          Verify hash chain
        </button>
      </form>
      <Failure error={error} />
      {result && (
        <>
          <p data-testid="verdict" className={result.intact ? 'ok' : 'error'}>
            {result.intact
              ? `Intact: ${result.streams.reduce((n, s) => n + s.events, 0)} events in ${result.streams.length} streams, every hash matches.`
              : 'Tampered: the history of this account was changed after it was written.'}
          </p>
          {broken?.firstBreak && (
            <div className="card error-card" data-testid="first-break">
              <h2>First bad event</h2>
              <dl>
                <dt>Stream</dt>
                <dd>{broken.firstBreak.streamId}</dd>
                <dt>Revision</dt>
                <dd>{broken.firstBreak.revision}</dd>
                <dt>Event id</dt>
                <dd>{broken.firstBreak.eventId}</dd>
                <dt>Problem</dt>
                <dd>{broken.firstBreak.problem}</dd>
              </dl>
            </div>
          )}
          <table data-testid="streams">
            <thead>
              <tr>
                <th>Stream</th>
                <th className="num">Events</th>
                <th>Chain</th>
              </tr>
            </thead>
            <tbody>
              {result.streams.map((stream) => (
                <tr key={stream.streamId}>
                  <td>{stream.streamId}</td>
                  <td className="num">{stream.events}</td>
                  <td className={stream.intact ? 'ok' : 'error'}>
                    {stream.intact ? 'intact' : `broken at r${stream.firstBreak?.revision ?? '?'}`}
                    {stream.tampering?.map((finding, i) => (
                      <div key={i}>{finding.detail ?? finding.kind}</div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
