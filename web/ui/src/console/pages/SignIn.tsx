// Developer sign-in (POST /sessions) and sign-up (POST /developers/register); either answer carries the token the
// console then keeps for the tab's lifetime.
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { Link, navigate, usePageTitle } from '../../shared/router';
import { Button, ErrorBanner, TextField } from '../../shared/ui';
import { api, signIn } from '../session';

export function SignIn({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const signUp = mode === 'sign-up';
  usePageTitle(signUp ? 'Create a developer account' : 'Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (signUp) await api.send('POST', '/developers/register', { username: username.trim(), password, ...(email.trim() ? { email: email.trim() } : {}) });
      await signIn(username.trim(), password);
      navigate('/apps', { replace: true });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page narrow">
      <div className="card">
        <h1>{signUp ? 'Create a developer account' : 'Sign in to the console'}</h1>
        <ErrorBanner error={error} />
        <form onSubmit={(e) => void submit(e)}>
          <TextField label="Username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
          {signUp ? (
            <TextField label="Email (optional)" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          ) : null}
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete={signUp ? 'new-password' : 'current-password'}
            required
            minLength={signUp ? 6 : undefined}
            hint={signUp ? 'At least 6 characters.' : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <div className="actions">
            <Button type="submit" busy={busy}>
              {signUp ? 'Create account' : 'Sign in'}
            </Button>
          </div>
        </form>
        <p className="muted">
          {signUp ? (
            <>
              Already have an account? <Link to="/">Sign in</Link>
            </>
          ) : (
            <>
              New to Plaza? <Link to="/sign-up">Create a developer account</Link>
            </>
          )}
        </p>
      </div>
    </main>
  );
}
