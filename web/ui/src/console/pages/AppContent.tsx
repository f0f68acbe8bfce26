// The app's paid content (Ulord), newest first, by author or enabled state, 20 a page; an admin disables or
// re-enables one item (PATCH /content/:id, recorded in the item's history).
import { useState } from 'react';
import { messageOf } from '../../shared/api';
import { usePaged } from '../../shared/hooks';
import { Banner, Button, DataTable, ErrorBanner, Loading, Pager, SelectField, StatusPill, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { Column } from '../../shared/ui';
import type { ContentItem } from '../types';

export function AppContent({ appId, admin = false }: { appId: number; admin?: boolean }) {
  const [author, setAuthor] = useState('');
  const [enabled, setEnabled] = useState('');
  const list = usePaged(
    (before: number | undefined, limit) => api.get<ContentItem[]>(`/apps/${appId}/content`, { author: author.trim(), enabled, before, limit }),
    (c) => c.id,
    [appId, author, enabled],
  );
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const toggle = async (c: ContentItem) => {
    setError(null);
    setNotice(null);
    try {
      const saved = await api.send<ContentItem>('PATCH', `/content/${c.id}`, { enabled: !c.enabled });
      setNotice(`${saved.title} is ${saved.enabled ? 'enabled' : 'disabled'}.`);
      list.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const actions: Array<Column<ContentItem>> = admin
    ? [
        {
          header: 'Actions',
          cell: (c) => (
            <Button variant={c.enabled ? 'danger' : 'secondary'} className="btn-small" aria-label={`${c.enabled ? 'Disable' : 'Enable'} ${c.title}`} onClick={() => void toggle(c)}>
              {c.enabled ? 'Disable' : 'Enable'}
            </Button>
          ),
        },
      ]
    : [];
  return (
    <>
      <form className="filters" role="search" aria-label="Filter content" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Author" value={author} onChange={(e) => setAuthor(e.target.value)} />
        <SelectField label="Shown" options={[['', 'All'], ['true', 'Enabled'], ['false', 'Disabled']]} value={enabled} onChange={(e) => setEnabled(e.target.value)} />
      </form>
      <ErrorBanner error={error ?? list.error} />
      {notice ? <Banner kind="notice">{notice}</Banner> : null}
      {list.loaded ? (
        <>
          <DataTable
            caption="Content"
            rows={list.rows}
            rowKey={(c) => c.id}
            empty="No content matches."
            columns={[
              { header: 'Title', cell: (c) => c.title },
              { header: 'Author', cell: (c) => c.author },
              { header: 'Price', cell: (c) => (c.price.startsWith('-') ? `ad (${c.price.slice(1)})` : c.price), className: 'num' },
              { header: 'Views', cell: (c) => c.views, className: 'num' },
              { header: 'Status', cell: (c) => <StatusPill value={c.enabled ? 'enabled' : 'disabled'} /> },
              { header: 'Claim', cell: (c) => <code>{c.claim_id.slice(0, 12)}…</code> },
              { header: 'Published', cell: (c) => formatTime(c.created_at) },
              ...actions,
            ]}
          />
          <Pager page={list.page} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} />
        </>
      ) : (
        <Loading />
      )}
    </>
  );
}
