import { useEffect, useState } from 'react';

/** The console's own routes live under /console (the service answers index.html for each of them). */
export const BASE = '/console';

export function navigate(path: string): void {
  window.history.pushState(null, '', `${BASE}${path}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current route below /console, and its query. */
export function useRoute(): { path: string; search: URLSearchParams } {
  const read = () => ({
    path: window.location.pathname.slice(BASE.length).replace(/\/$/, '') || '/',
    search: new URLSearchParams(window.location.search),
  });
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}
