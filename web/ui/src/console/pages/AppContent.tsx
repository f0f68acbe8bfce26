// The app's paid content (Ulord), newest first, by author or enabled state, 20 a page.
import { useState } from 'react';
import { usePaged } from '../../shared/hooks';
import { DataTable, ErrorBanner, Loading, Pager, SelectField, StatusPill, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { ContentItem } from '../types';

export function AppContent({ appId }: { appId: number }) {
  const [author, setAuthor] = useState('');
  const [enabled, setEnabled] = useState('');
  const list = usePaged(
    (before: number | undefined, limit) => api.get<ContentItem[]>(`/apps/${appId}/content`, { author: author.trim(), enabled, before, limit }),
    (c) => c.id,
    [appId, author, enabled],
  );
  return (
    <>
      <form className="filters" role="search" aria-label="Filter content" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Author" value={author} onChange={(e) => setAuthor(e.target.value)} />
        <SelectField label="Shown" options={[['', 'All'], ['true', 'Enabled'], ['false', 'Disabled']]} value={enabled} onChange={(e) => setEnabled(e.target.value)} />
      </form>
      <ErrorBanner error={list.error} />
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
