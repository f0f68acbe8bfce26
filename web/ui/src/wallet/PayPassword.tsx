// Set or change the pay password — a second secret apps ask for before money moves — with the account password.
// Errors appear next to their field; the result is announced.
import { useState, type FormEvent } from 'react';
import { messageOf } from '../shared/api';
import { Banner, Button, ErrorBanner, TextField } from '../shared/ui';
import { walletApi, WalletApiError, type Me } from './api';
import { formatDate } from './format';

type Fields = Partial<Record<'currentPassword' | 'payPassword' | 'confirm', string>>;

export function PayPassword({ me, onChanged }: { me: Me; onChanged(): void }) {
  const [current, setCurrent] = useState('');
  const [pay, setPay] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fields, setFields] = useState<Fields>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { min, max } = me.payPasswordLength;
  const state = me.payPassword;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    setError(null);
    const local: Fields = {};
    if (current === '') local.currentPassword = 'Enter your account password.';
    if (pay.length < min || pay.length > max) local.payPassword = `Use ${min}–${max} characters.`;
    else if (confirm !== pay) local.confirm = 'The two pay passwords differ. Type the same one twice.';
    setFields(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const r = await walletApi.setPayPassword(current, pay);
      setNotice(r.changed ? 'Your pay password was changed. The old one no longer works.' : 'Your pay password is set. Apps will ask for it before they move money for you.');
      setCurrent('');
      setPay('');
      setConfirm('');
      onChanged();
    } catch (err) {
      if (err instanceof WalletApiError && Object.keys(err.fields).length) setFields(err.fields as Fields);
      else setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p className="muted" data-testid="pay-password-state">
        A second secret, separate from your account password, that apps ask for before they move money for you.{' '}
        {!state.set
          ? 'You have not set a pay password yet.'
          : state.lockedUntil !== null
            ? `It is locked after too many wrong attempts until ${formatDate(state.lockedUntil)}. Setting a new one unlocks it.`
            : 'Your pay password is set.'}
      </p>
      {notice ? <Banner kind="notice">{notice}</Banner> : null}
      <ErrorBanner error={error} />
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField label="Your account password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={fields.currentPassword ?? null} />
        <TextField
          label={state.set ? 'New pay password' : 'Pay password'}
          type="password"
          autoComplete="new-password"
          value={pay}
          onChange={(e) => setPay(e.target.value)}
          hint={`${min}–${max} characters, different from your account password.`}
          error={fields.payPassword ?? null}
        />
        <TextField label="Repeat the pay password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={fields.confirm ?? null} />
        <Button type="submit" busy={busy}>
          {state.set ? 'Change pay password' : 'Set pay password'}
        </Button>
      </form>
    </>
  );
}
