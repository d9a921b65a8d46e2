import { useEffect, useState, type FormEvent } from 'react';
import {
  getJson,
  postJson,
  type ClockView,
  type ProjectionReport,
  type ProjectionRequest,
  type Whoami,
} from '../api';
import { can } from '../App';
import { Failure, useLoad } from '../load';
import { formatTime } from '../money';

const POLL_MS = 500;

/**
 * Ops: projections and workers with their lag and last error (a poison event stops one), replay and
 * rebuild followed live (the request's status route, polled), and the test clock when it is virtual.
 */
export function OpsScreen({ who }: { who: Whoami }) {
  const projections = useLoad(() => getJson<{ projections: ProjectionReport[] }>('/v1/ops/projections'), 'p');
  const [request, setRequest] = useState<ProjectionRequest | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const reloadProjections = projections.reload;

  // Live progress: the request's state (and the projections' rebuild progress) until it is settled.
  useEffect(() => {
    if (!request || ['done', 'failed', 'rejected'].includes(request.state)) return;
    const timer = setTimeout(() => {
      getJson<ProjectionRequest>(`/v1/ops/projections/requests/${request.id}`).then(setRequest, setError);
      reloadProjections();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [request, reloadProjections]);

  const ask = async (path: string) => {
    setError(undefined);
    try {
      setRequest(await postJson<ProjectionRequest>(path));
    } catch (failure) {
      setError(failure as Error);
    }
  };
  const writes = can(who, 'ops');
  const list = projections.data?.projections ?? [];
  const poisoned = list.filter((p) => p.lastError?.eventId);

  return (
    <section>
      <h1>Ops</h1>
      <Failure error={projections.error ?? error} />
      <div className="toolbar">
        <button onClick={projections.reload}>Refresh</button>
        {writes && (
          <button data-write onClick={() => void ask('/v1/ops/projections/rebuild')}>
            Rebuild all projections
          </button>
        )}
      </div>
      {request && (
        <p data-testid="request" className={request.state === 'failed' ? 'error' : ''}>
          {request.kind} of {request.name} by {request.requestedBy}: <strong>{request.state}</strong>
          {request.detail.comparison &&
            (request.detail.comparison.identical
              ? ' (identical to the live build)'
              : ' (differs from the live build)')}
          {request.detail.error && ` — ${request.detail.error}`}
        </p>
      )}
      <table data-testid="projections">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>State</th>
            <th>Holder</th>
            <th className="num">Position / head</th>
            <th className="num">Lag (events)</th>
            <th className="num">Lag (s)</th>
            <th>Rebuild</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((p) => (
            <tr key={p.name} data-name={p.name}>
              <td>{p.name}</td>
              <td>{p.kind}</td>
              <td className={p.lastError ? 'error' : ''}>{p.state}</td>
              <td>{p.holder ?? '—'}</td>
              <td className="num">
                {p.position ?? '—'} / {p.head ?? '—'}
              </td>
              <td className="num">{p.lagPositions}</td>
              <td className="num">{p.lagSeconds}</td>
              <td>
                {p.rebuild ? (
                  <>
                    {p.rebuild.state} <progress max={1} value={p.rebuild.progress} />{' '}
                    {Math.round(p.rebuild.progress * 100)}%
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>
                {writes && p.kind === 'projection' && (
                  <button data-write onClick={() => void ask(`/v1/ops/projections/${p.name}/replay`)}>
                    Replay
                  </button>
                )}{' '}
                {writes && p.lastError && (
                  <button data-write onClick={() => void ask(`/v1/ops/projections/${p.name}/resume`)}>
                    Resume
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Poison events</h2>
      {poisoned.length === 0 ? (
        <p className="muted" data-testid="poison">
          None: every projection applies every event.
        </p>
      ) : (
        <table data-testid="poison">
          <thead>
            <tr>
              <th>Projection</th>
              <th>Event</th>
              <th>Stream</th>
              <th>Position</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {poisoned.map((p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td>
                  {p.lastError!.eventType} {p.lastError!.eventId}
                </td>
                <td>{p.lastError!.streamId}</td>
                <td>{p.lastError!.position}</td>
                <td>{p.lastError!.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TestClock canMove={can(who, 'clock:write')} onMoved={projections.reload} />
    </section>
  );
}

function TestClock({ canMove, onMoved }: { canMove: boolean; onMoved: () => void }) {
  const clock = useLoad(() => getJson<ClockView>('/v1/ops/clock'), 'clock');
  const [to, setTo] = useState('');
  const [fired, setFired] = useState<ClockView['fired'] | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const advance = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const moved = await postJson<ClockView>('/v1/ops/clock/advance', { to: `${to}:00Z` });
      setFired(moved.fired ?? []);
      clock.reload();
      onMoved();
    } catch (failure) {
      setError(failure as Error);
    }
  };
  return (
    <div className="card wide">
      <h2>Clock</h2>
      <Failure error={clock.error ?? error} />
      {clock.data && (
        <p data-testid="clock">
          {clock.data.kind === 'virtual' ? 'Test clock' : 'System clock'}: {formatTime(clock.data.now)}
        </p>
      )}
      {clock.data?.kind === 'virtual' && canMove && (
        <form className="inline" onSubmit={advance}>
          <label>
            Advance to (UTC)
            <input
              name="clockTo"
              type="datetime-local"
              value={to}
              onChange={(event) => setTo(event.target.value)}
            />
          </label>
          <button type="submit" data-write disabled={!to}>
            Advance
          </button>
        </form>
      )}
      {fired && (
        <ul data-testid="fired">
          {fired.length === 0 && <li>No deadline was due.</li>}
          {fired.map((deadline) => (
            <li key={deadline.id}>
              {deadline.id}: {deadline.outcome} (due {formatTime(deadline.dueAt)})
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
