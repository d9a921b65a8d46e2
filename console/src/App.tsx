import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, forgetKey, getJson, savedKey, saveKey, type Whoami } from './api';
import { navigate, useRoute } from './router';
import { AccountsScreen } from './screens/AccountsScreen';
import { AccountScreen } from './screens/AccountScreen';
import { AuditScreen } from './screens/AuditScreen';
import { OpsScreen } from './screens/OpsScreen';

/** What the key may do: the console shows only the controls its scopes allow (the API enforces them anyway). */
export const can = (who: Whoami, scope: string) => who.scopes.includes(scope);

export function App() {
  const [who, setWho] = useState<Whoami | null>(null);
  const [checking, setChecking] = useState(savedKey() !== null);
  const [error, setError] = useState<string | null>(null);

  const signIn = async (key: string) => {
    setError(null);
    try {
      const identity = await getJson<Whoami>('/v1/whoami', key);
      saveKey(key);
      setWho(identity);
    } catch (failure) {
      forgetKey();
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'This API key is not valid.'
          : (failure as Error).message,
      );
    } finally {
      setChecking(false);
    }
  };

  useEffect(() => {
    const key = savedKey();
    if (key) void signIn(key);
  }, []);

  if (checking) return <p className="muted">Checking the key…</p>;
  if (!who) return <Login onSubmit={signIn} error={error} />;
  return (
    <Shell
      who={who}
      onSignOut={() => {
        forgetKey();
        setWho(null);
      }}
    />
  );
}

function Login({ onSubmit, error }: { onSubmit: (key: string) => Promise<void>; error: string | null }) {
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) void onSubmit(key.trim());
  };
  return (
    <main className="login">
      <h1>Billing console</h1>
      <form onSubmit={submit}>
        <label>
          API key
          <input
            name="apiKey"
            type="password"
            autoComplete="off"
            value={key}
            onChange={(event) => setKey(event.target.value)}
          />
        </label>
        <button type="submit">Sign in</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p className="muted">
        The key stays in this browser tab only (session storage) and goes with every API call.
      </p>
    </main>
  );
}

function Shell({ who, onSignOut }: { who: Whoami; onSignOut: () => void }) {
  const { path, search } = useRoute();
  const account = /^\/accounts\/([^/]+)$/.exec(path)?.[1];
  const link = (to: string, label: string) => (
    <a
      href={`/console${to}`}
      className={path === to || (to !== '/' && path.startsWith(to)) ? 'active' : ''}
      onClick={(event) => {
        event.preventDefault();
        navigate(to);
      }}
    >
      {label}
    </a>
  );
  return (
    <>
      <header>
        <strong>Billing console</strong>
        <nav>
          {link('/', 'Accounts')}
          {can(who, 'audit') && link('/audit', 'Audit')}
          {can(who, 'ops') && link('/ops', 'Ops')}
        </nav>
        <span className="who" data-testid="who">
          {who.name} · {who.scopes.join(', ')}
        </span>
        <button className="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>
        {account ? (
          <AccountScreen accountId={decodeURIComponent(account)} who={who} asOf={search.get('asOf')} />
        ) : path === '/audit' && can(who, 'audit') ? (
          <AuditScreen initialAccount={search.get('account') ?? ''} />
        ) : path === '/ops' && can(who, 'ops') ? (
          <OpsScreen who={who} />
        ) : (
          <AccountsScreen />
        )}
      </main>
    </>
  );
}
