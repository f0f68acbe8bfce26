// WeChat settings: the mini-program and merchant identifiers, the secrets (shown masked; typing one replaces it,
// leaving it empty keeps it), and the switch to Plaza's built-in WeChat sandbox.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../../shared/api';
import { useAsync } from '../../shared/hooks';
import { Banner, Button, ErrorBanner, Facts, Loading, StatusPill, TextField, TextArea } from '../../shared/ui';
import { api } from '../session';
import type { WechatSettings } from '../types';

export function AppWechat({ appId }: { appId: number }) {
  // An app without WeChat settings answers 404: that is the "not configured yet" state, not an error.
  const wx = useAsync(
    () => api.get<WechatSettings>(`/apps/${appId}/wechat`).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }),
    [appId],
  );
  const [form, setForm] = useState({ appid: '', mchid: '', merchant_serial: '', notify_url: '', app_secret: '', merchant_private_key: '', api_v3_key: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!wx.data) return;
    setForm({ appid: wx.data.appid, mchid: wx.data.mchid, merchant_serial: wx.data.merchant_serial, notify_url: wx.data.notify_url ?? '', app_secret: '', merchant_private_key: '', api_v3_key: '' });
  }, [wx.data]);

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const run = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await work();
      setNotice(done);
      wx.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    const secret: Record<string, string> = {};
    for (const k of ['app_secret', 'merchant_private_key', 'api_v3_key'] as const) if (form[k]) secret[k] = form[k];
    const body = {
      appid: form.appid.trim(),
      ...(form.mchid.trim() ? { mchid: form.mchid.trim() } : {}),
      ...(form.merchant_serial.trim() ? { merchant_serial: form.merchant_serial.trim() } : {}),
      notify_url: form.notify_url.trim() || null,
      ...(Object.keys(secret).length > 0 ? { secret } : {}),
    };
    void run(() => api.send('PUT', `/apps/${appId}/wechat`, body), 'Saved.');
  };

  if (wx.data === undefined) return wx.error ? <ErrorBanner error={wx.error} /> : <Loading />;
  const d = wx.data;
  return (
    <>
      <div className="card">
        <div className="head">
          <h2>WeChat</h2>
          <StatusPill value={d ? d.mode : 'not configured'} />
        </div>
        <ErrorBanner error={error} />
        {notice ? <Banner kind="notice">{notice}</Banner> : null}
        {d ? (
          <Facts
            items={[
              ['Mode', d.mode === 'sandbox' ? 'Sandbox (Plaza’s built-in WeChat)' : 'Live (api.weixin.qq.com)'],
              ['Login', d.login_configured ? 'configured' : 'not configured'],
              ['Pay', d.pay_configured ? 'configured' : 'not configured'],
              ['App secret', d.app_secret || '—'],
              ['Merchant private key', d.merchant_private_key || '—'],
              ['APIv3 key', d.api_v3_key || '—'],
              ['Notify URL in use', <code key="n">{d.effective_notify_url}</code>],
            ]}
          />
        ) : (
          <p>This app has no WeChat settings yet. Enter live credentials below, or try everything against the sandbox first.</p>
        )}
        <div className="actions">
          <Button variant="secondary" busy={busy} onClick={() => void run(() => api.send('POST', `/apps/${appId}/wechat/sandbox`), 'Switched to the WeChat sandbox with fresh credentials.')}>
            Use the WeChat sandbox
          </Button>
        </div>
      </div>
      <form className="card" onSubmit={save}>
        <h2>Live credentials</h2>
        <div className="grid2">
          <TextField label="AppID" required pattern="wx[0-9a-f]{16}" placeholder="wx1a2b3c4d5e6f7a8b" value={form.appid} onChange={set('appid')} />
          <TextField label="Merchant id (mchid)" hint="Leave empty for login only." value={form.mchid} onChange={set('mchid')} />
          <TextField label="Merchant certificate serial" value={form.merchant_serial} onChange={set('merchant_serial')} />
          <TextField label="Notify URL" type="url" hint="Empty: Plaza’s own notification endpoint." value={form.notify_url} onChange={set('notify_url')} />
          <TextField label="App secret" type="password" autoComplete="off" hint="Empty keeps the current one." value={form.app_secret} onChange={set('app_secret')} />
          <TextField label="APIv3 key" type="password" autoComplete="off" hint="Empty keeps the current one." value={form.api_v3_key} onChange={set('api_v3_key')} />
        </div>
        <TextArea label="Merchant private key (PEM)" autoComplete="off" hint="Empty keeps the current one." value={form.merchant_private_key} onChange={set('merchant_private_key')} />
        <div className="actions">
          <Button type="submit" busy={busy}>
            Save WeChat settings
          </Button>
        </div>
      </form>
    </>
  );
}
