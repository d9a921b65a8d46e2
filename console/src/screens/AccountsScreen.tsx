import { useState, type FormEvent } from 'react';
import { ApiError, getJson, query, type AccountRow, type ProfileOverview } from '../api';
import { Failure, useLoad } from '../load';
import { formatMoney, formatTime } from '../money';
import { navigate } from '../router';

interface Filters {
  q: string;
  status: string;
  profile: string;
  region: string;
  payerType: string;
  hasDebt: string;
}

const NONE: Filters = { q: '', status: '', profile: '', region: '', payerType: '', hasDebt: '' };
const PAGE = 20;

/** Search and list accounts with filters, a page at a time (GET /v1/accounts), and open one by its id. */
export function AccountsScreen() {
  const [draft, setDraft] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  // The cursors of the pages before this one, so "Previous" goes back without the API keeping state.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const list = useLoad(
    () =>
      getJson<{ accounts: AccountRow[]; nextCursor: string | null }>(
        `/v1/accounts${query({ ...filters, limit: String(PAGE), cursor })}`,
      ),
    JSON.stringify([filters, cursor]),
  );
  // The profiles (GET /v1/profiles) give the profile and region choices.
  const profiles = useLoad(
    () => getJson<{ profiles: ProfileOverview[] }>('/v1/profiles').then((answer) => answer.profiles),
    'profiles',
  );
  const regions = [
    ...new Set((profiles.data ?? []).flatMap((p) => p.availableIn.map((where) => where.region))),
  ].sort();
  const [openId, setOpenId] = useState('');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setCursors([]);
    setFilters(draft);
  };
  const field = (name: keyof Filters) => ({
    name,
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }),
  });
  const listingMissing = list.error instanceof ApiError && list.error.status === 404;

  return (
    <section>
      <h1>Accounts</h1>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          if (openId.trim()) navigate(`/accounts/${encodeURIComponent(openId.trim())}`);
        }}
      >
        <label>
          Account id
          <input name="openAccountId" value={openId} onChange={(event) => setOpenId(event.target.value)} />
        </label>
        <button type="submit">Open</button>
      </form>
      <form className="filters" onSubmit={apply}>
        <label>
          Search
          <input {...field('q')} placeholder="id or name" />
        </label>
        <label>
          Status
          <select {...field('status')}>
            <option value="">any</option>
            {['active', 'frozen', 'payment-required', 'suspended', 'blocked', 'deleted'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Profile
          <select {...field('profile')}>
            <option value="">any</option>
            {(profiles.data ?? []).map((profile) => (
              <option key={profile.id} value={profile.id}>
                {profile.id} — {profile.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Region
          <select {...field('region')}>
            <option value="">any</option>
            {regions.map((region) => (
              <option key={region}>{region}</option>
            ))}
          </select>
        </label>
        <label>
          Payer
          <select {...field('payerType')}>
            <option value="">any</option>
            <option>individual</option>
            <option>sole-proprietor</option>
            <option>legal-entity</option>
          </select>
        </label>
        <label>
          Debt
          <select {...field('hasDebt')}>
            <option value="">any</option>
            <option value="true">with debt</option>
            <option value="false">without debt</option>
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      {listingMissing ? (
        <p className="muted">This service has no account listing yet: open an account by its id.</p>
      ) : (
        <Failure error={list.error} />
      )}
      {list.data && (
        <>
          <table data-testid="accounts">
            <thead>
              <tr>
                <th>Account</th>
                <th>Status</th>
                <th>Since</th>
                <th>Payer</th>
                <th>Profile</th>
                <th>Region</th>
                <th className="num">Balance</th>
                <th className="num">Debt</th>
                <th>Opened</th>
              </tr>
            </thead>
            <tbody>
              {list.data.accounts.map((account) => (
                <tr key={account.accountId}>
                  <td>
                    <a
                      href={`/console/accounts/${encodeURIComponent(account.accountId)}`}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate(`/accounts/${encodeURIComponent(account.accountId)}`);
                      }}
                    >
                      {account.accountId}
                    </a>
                  </td>
                  <td>
                    <span className={`status ${account.status}`}>{account.status}</span>
                  </td>
                  <td>{formatTime(account.statusSince)}</td>
                  <td>{account.payerType}</td>
                  <td>{account.profileId}</td>
                  <td>{account.region}</td>
                  <td className="num">{formatMoney(account.balance, account.currency)}</td>
                  <td className="num">{formatMoney(account.debt, account.currency)}</td>
                  <td>{formatTime(account.openedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.accounts.length === 0 && <p className="muted">No account matches.</p>}
          <div className="pager">
            <button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </button>
            <span>Page {cursors.length + 1}</span>
            <button
              disabled={!list.data.nextCursor}
              onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}
            >
              Next
            </button>
          </div>
        </>
      )}
    </section>
  );
}
