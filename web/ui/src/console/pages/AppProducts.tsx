// Products of the app (liveuser, spec/liveuser.md §7.3): create one (price typed in CNY, sent as integer fen), list
// them in product id order (deleted ones on request), edit or delete one, and read the selected product's snapshot
// history — the immutable records order lines copy.
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync, usePaged } from '../../shared/hooks';
import { Banner, Button, Checkbox, DataTable, ErrorBanner, Loading, Pager, StatusPill, TextArea, TextField, formatTime } from '../../shared/ui';
import { cnyToFen, fenToCny } from '../fen';
import { api } from '../session';
import type { Product, ProductWithSnapshots } from '../types';

interface Draft {
  name: string;
  price: string;
  description: string;
  asset: string;
  subBalance: string;
  amount: string;
}

type Errors = Partial<Record<keyof Draft | 'id', string>>;

const EMPTY: Draft = { name: '', price: '', description: '', asset: '', subBalance: '', amount: '' };

function draftOf(p: Product): Draft {
  return {
    name: p.name,
    price: fenToCny(p.price_cent),
    description: p.description,
    asset: p.grant?.asset ?? '',
    subBalance: p.grant?.sub_balance ?? '',
    amount: p.grant?.amount ?? '',
  };
}

/** The request body's product fields, or the field errors that keep it from being sent. */
function bodyOf(d: Draft): { body: Record<string, unknown> } | { errors: Errors } {
  const errors: Errors = {};
  const fen = cnyToFen(d.price);
  if (fen === null || fen < 1) errors.price = 'A price in CNY above 0 with at most two decimals, e.g. 12.50.';
  if (!d.name.trim()) errors.name = 'A name is required.';
  const asset = d.asset.trim();
  const amount = d.amount.trim();
  if (asset && !/^[0-9]+(\.[0-9]+)?$/.test(amount)) errors.amount = 'The credits granted per unit, a decimal above 0.';
  // Without an asset there is no grant: a sub-balance left from an earlier grant is ignored, an amount is not.
  if (!asset && amount) errors.asset = 'Name the asset of the credit grant, or clear the grant amount.';
  if (Object.keys(errors).length > 0) return { errors };
  const grant = asset ? { asset, amount, ...(d.subBalance.trim() ? { sub_balance: d.subBalance.trim() } : {}) } : null;
  return { body: { name: d.name.trim(), price_cent: fen, description: d.description, grant } };
}

function ProductFields({ draft, set, errors, focusFirst = false }: { draft: Draft; set(d: Draft): void; errors: Errors; focusFirst?: boolean }) {
  const field = (k: keyof Draft) => ({ value: draft[k], onChange: (e: { target: { value: string } }) => set({ ...draft, [k]: e.target.value }), error: errors[k] ?? null });
  return (
    <>
      <div className="form-row">
        {/* The edit form opens above the list: its first field takes the focus so a keyboard user lands in it. */}
        <TextField label="Name" required maxLength={128} autoFocus={focusFirst} {...field('name')} />
        <TextField label="Price (CNY)" required inputMode="decimal" placeholder="12.50" hint="Stored in fen (1/100 CNY)." {...field('price')} />
      </div>
      <TextArea label="Description (optional)" maxLength={1024} rows={2} {...field('description')} />
      <fieldset className="grant">
        <legend>Credit grant per unit (optional)</legend>
        <div className="form-row">
          <TextField label="Grant asset" placeholder="CREDIT" {...field('asset')} />
          <TextField label="Grant sub-balance" placeholder="credit" hint="Empty: credit for CREDIT, else balance." {...field('subBalance')} />
          <TextField label="Grant amount" inputMode="decimal" placeholder="100" {...field('amount')} />
        </div>
      </fieldset>
    </>
  );
}

function Snapshots({ appId, productId, version }: { appId: number; productId: string; version: number }) {
  const product = useAsync(() => api.get<ProductWithSnapshots>(`/apps/${appId}/products/${encodeURIComponent(productId)}`), [appId, productId, version]);
  return (
    <section className="card" aria-labelledby="product-history">
      <h2 id="product-history">Snapshots of {productId}</h2>
      <ErrorBanner error={product.error} />
      {product.data ? (
        <DataTable
          caption={`Snapshots of ${productId}`}
          rows={[...product.data.snapshots].reverse()}
          rowKey={(s) => s.snapshot}
          columns={[
            { header: 'Snapshot', cell: (s) => (s.snapshot === product.data?.snapshot ? <>{s.snapshot} <StatusPill value="current" /></> : s.snapshot), className: 'num' },
            { header: 'Written', cell: (s) => formatTime(s.created_at), className: 'nowrap' },
            { header: 'Record', cell: (s) => <code className="wrap">{s.detail}</code> },
          ]}
        />
      ) : (
        <Loading />
      )}
    </section>
  );
}

function EditProduct({ appId, product, done }: { appId: number; product: Product; done(message: string | null): void }) {
  const [draft, setDraft] = useState<Draft>(draftOf(product));
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const built = bodyOf(draft);
    if ('errors' in built) return setErrors(built.errors);
    setErrors({});
    setBusy(true);
    setError(null);
    try {
      const updated = await api.send<Product & { changed: boolean }>('PATCH', `/apps/${appId}/products/${encodeURIComponent(product.product_id)}`, built.body);
      done(updated.changed ? `Saved ${updated.product_id}: snapshot ${updated.snapshot}.` : `Nothing changed in ${updated.product_id}.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" aria-labelledby="edit-product" onSubmit={(e) => void save(e)}>
      <h2 id="edit-product">Edit {product.product_id}</h2>
      <ErrorBanner error={error} />
      <ProductFields draft={draft} set={setDraft} errors={errors} focusFirst />
      <div className="actions">
        <Button type="submit" busy={busy}>
          Save changes
        </Button>
        <Button variant="secondary" onClick={() => done(null)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function AppProducts({ appId }: { appId: number }) {
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const list = usePaged(
    (after: string | undefined, limit) => api.get<Product[]>(`/apps/${appId}/products`, { include_deleted: includeDeleted ? 'true' : undefined, after, limit }),
    (p) => p.product_id,
    [appId, includeDeleted],
  );
  const [productId, setProductId] = useState('');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<Product | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  // Bumped after every write so the open snapshot history reloads too.
  const [version, setVersion] = useState(0);

  const changed = (message: string) => {
    setError(null);
    setNotice(message);
    setVersion((v) => v + 1);
    list.reload();
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const built = bodyOf(draft);
    const idError = /^[A-Za-z0-9_.:-]{1,64}$/.test(productId.trim()) ? null : 'Letters, digits and _ . : - only, at most 64.';
    if ('errors' in built || idError) return setErrors({ ...('errors' in built ? built.errors : {}), ...(idError ? { id: idError } : {}) });
    setErrors({});
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const { grant, ...fields } = built.body;
      const product = await api.send<Product>('POST', `/apps/${appId}/products`, { product_id: productId.trim(), ...fields, ...(grant ? { grant } : {}) });
      setProductId('');
      setDraft(EMPTY);
      setSelected(product.product_id);
      changed(`Created ${product.product_id} at ${fenToCny(product.price_cent)} CNY.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (p: Product) => {
    setError(null);
    setNotice(null);
    setConfirming(null);
    try {
      await api.send<Product>('POST', `/apps/${appId}/products/${encodeURIComponent(p.product_id)}/delete`);
      if (editing?.product_id === p.product_id) setEditing(null);
      changed(`Deleted ${p.product_id}; creating it again revives it.`);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <>
      <form className="card" aria-labelledby="new-product" onSubmit={(e) => void create(e)}>
        <h2 id="new-product">Create a product</h2>
        <TextField label="Product id" required maxLength={64} placeholder="gold" hint="Unique in this app; the product_id of Order.Create." value={productId} error={errors.id ?? null} onChange={(e) => setProductId(e.target.value)} />
        <ProductFields draft={draft} set={setDraft} errors={errors} />
        <Button type="submit" busy={busy}>
          Create product
        </Button>
      </form>
      <div className="head">
        <h2>Products</h2>
        <form className="filters" aria-label="Filter products" onSubmit={(e) => e.preventDefault()}>
          <Checkbox label="Include deleted" checked={includeDeleted} onChange={(e) => setIncludeDeleted(e.target.checked)} />
        </form>
      </div>
      <ErrorBanner error={error ?? list.error} />
      {notice ? <Banner kind="notice">{notice}</Banner> : null}
      {editing ? (
        <EditProduct
          key={`${editing.product_id}:${editing.snapshot}`}
          appId={appId}
          product={editing}
          done={(message) => {
            setEditing(null);
            if (message) changed(message);
          }}
        />
      ) : null}
      {list.loaded ? (
        <>
          <DataTable
            caption="Products"
            rows={list.rows}
            rowKey={(p) => p.product_id}
            empty={includeDeleted ? 'No products yet.' : 'No live products.'}
            columns={[
              { header: 'Product', cell: (p) => <code>{p.product_id}</code> },
              { header: 'Name', cell: (p) => p.name },
              { header: 'Price (CNY)', cell: (p) => fenToCny(p.price_cent), className: 'num' },
              { header: 'Grant', cell: (p) => (p.grant ? `${p.grant.amount} ${p.grant.asset} (${p.grant.sub_balance})` : '—') },
              { header: 'Status', cell: (p) => <StatusPill value={p.deleted_at ? 'deleted' : 'live'} /> },
              { header: 'Updated', cell: (p) => formatTime(p.updated_at), className: 'nowrap' },
              {
                header: 'Actions',
                cell: (p) => (
                  <div className="actions">
                    <Button variant="secondary" className="btn-small" aria-pressed={selected === p.product_id} aria-label={`Snapshots of ${p.product_id}`} onClick={() => setSelected(selected === p.product_id ? null : p.product_id)}>
                      Snapshots
                    </Button>
                    {p.deleted_at ? null : confirming === p.product_id ? (
                      <span role="group" aria-label={`Confirm deleting ${p.product_id}`} className="actions">
                        <Button variant="danger" className="btn-small" onClick={() => void remove(p)}>
                          Delete {p.product_id}
                        </Button>
                        <Button variant="secondary" className="btn-small" onClick={() => setConfirming(null)}>
                          Keep
                        </Button>
                      </span>
                    ) : (
                      <>
                        <Button variant="secondary" className="btn-small" aria-label={`Edit ${p.product_id}`} onClick={() => setEditing(p)}>
                          Edit
                        </Button>
                        <Button variant="danger" className="btn-small" aria-label={`Delete ${p.product_id}…`} onClick={() => setConfirming(p.product_id)}>
                          Delete
                        </Button>
                      </>
                    )}
                  </div>
                ),
              },
            ]}
          />
          <Pager page={list.page} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} />
        </>
      ) : (
        <Loading />
      )}
      {selected ? <Snapshots appId={appId} productId={selected} version={version} /> : null}
    </>
  );
}
