// The signed-in developer's token, kept in sessionStorage (gone when the tab closes; never in a cookie, so the admin
// API's bearer scheme needs no CSRF defence), and the admin API client that sends it.
import { useSyncExternalStore } from 'react';
import { createClient } from '../shared/api';

const KEY = 'plaza.console.token';
const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token === null) window.sessionStorage.removeItem(KEY);
  else window.sessionStorage.setItem(KEY, token);
  for (const l of listeners) l();
}

export function useToken(): string | null {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, read);
}

export const api = createClient({ base: '/admin/v1', token: read, onUnauthorized: () => setToken(null) });

/** Signs in (POST /sessions) and keeps the token. */
export async function signIn(username: string, password: string): Promise<void> {
  const session = await api.send<{ token: string }>('POST', '/sessions', { username, password });
  setToken(session.token);
}

/** Revokes the token on the server (best effort: a dead network must not keep the developer signed in) and drops it. */
export async function signOut(): Promise<void> {
  try {
    await api.send('POST', '/sessions/current/revoke');
  } catch {
    // the token is dropped below either way
  }
  setToken(null);
}
