// The shared, accessible building blocks: every control is a native element with a visible label and focus ring,
// errors are announced (role=alert) and tied to their field (aria-describedby), tables have captions and header
// scopes and turn into stacked cards on a phone (each cell labelled by its column through data-label).
import {
  useId,
  useState,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { Link } from './router';

type Variant = 'primary' | 'secondary' | 'danger' | 'link';

export function Button({ variant = 'primary', busy = false, className, children, disabled, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; busy?: boolean }) {
  return (
    <button type="button" className={[`btn btn-${variant}`, className].filter(Boolean).join(' ')} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {children}
    </button>
  );
}

interface FieldShell {
  label: string;
  hint?: ReactNode;
  error?: string | null;
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

function Shell({ id, label, hint, error, children }: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function TextField({ label, hint, error, ...input }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} hint={hint} error={error}>
      <input id={id} type="text" aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
    </Shell>
  );
}

export function TextArea({ label, hint, error, ...input }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} hint={hint} error={error}>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
    </Shell>
  );
}

export function SelectField({ label, hint, error, options, ...select }: FieldShell & SelectHTMLAttributes<HTMLSelectElement> & { options: ReadonlyArray<readonly [string, string]> }) {
  const id = useId();
  return (
    <Shell id={id} label={label} hint={hint} error={error}>
      <select id={id} aria-describedby={describedBy(id, hint, error)} {...select}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </Shell>
  );
}

export function Checkbox({ label, hint, ...input }: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field check">
      <input id={id} type="checkbox" aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      <label htmlFor={id}>{label}</label>
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
    </div>
  );
}

export function Banner({ kind, children }: { kind: 'error' | 'notice' | 'warning'; children: ReactNode }) {
  return (
    <div className={`banner banner-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function ErrorBanner({ error }: { error: string | null | undefined }) {
  return error ? <Banner kind="error">{error}</Banner> : null;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted" role="status">
      {label}
    </p>
  );
}

/** Copies `value` to the clipboard; says so in a live region (and falls back to selecting the text). */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [done, setDone] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setDone('copied');
    } catch {
      setDone('failed');
    }
    window.setTimeout(() => setDone('idle'), 2500);
  };
  return (
    <>
      <Button variant="secondary" className="btn-small" onClick={() => void copy()} aria-label={`Copy ${label}`}>
        {done === 'copied' ? 'Copied' : 'Copy'}
      </Button>
      <span className="sr-only" aria-live="polite">
        {done === 'copied' ? `${label} copied` : done === 'failed' ? `Could not copy; select the ${label} and copy it by hand` : ''}
      </span>
    </>
  );
}

/** A value worth copying (an appkey, a secret), shown in full with its copy button. */
export function CopyValue({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="copy-value">
      <span className="copy-label">{label}</span>
      <code data-testid={testId}>{value}</code>
      <CopyButton value={value} label={label} />
    </div>
  );
}

export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
  className?: string;
}

export function DataTable<T>({ caption, columns, rows, rowKey, empty = 'Nothing here yet.' }: { caption: string; columns: ReadonlyArray<Column<T>>; rows: readonly T[]; rowKey(row: T): string | number; empty?: string }) {
  if (rows.length === 0) return <p className="muted empty">{empty}</p>;
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="data">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} data-label={c.header} className={c.className}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pager({ page, hasNext, onPrevious, onNext }: { page: number; hasNext: boolean; onPrevious(): void; onNext(): void }) {
  return (
    <nav className="pager" aria-label="Pages">
      <Button variant="secondary" onClick={onPrevious} disabled={page <= 1}>
        Previous
      </Button>
      <span className="muted">Page {page}</span>
      <Button variant="secondary" onClick={onNext} disabled={!hasNext}>
        Next
      </Button>
    </nav>
  );
}

export function Tabs({ label, tabs, current }: { label: string; tabs: ReadonlyArray<{ to: string; text: string; id: string }>; current: string }) {
  return (
    <nav className="tabs" aria-label={label}>
      <ul>
        {tabs.map((t) => (
          <li key={t.id}>
            <Link to={t.to} aria-current={t.id === current ? 'page' : undefined}>
              {t.text}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Facts({ items }: { items: ReadonlyArray<readonly [string, ReactNode]> }) {
  return (
    <dl className="facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function StatusPill({ value }: { value: string }) {
  return <span className={`pill pill-${value.replace(/[^a-z_]/gi, '')}`}>{value.replace(/_/g, ' ')}</span>;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function short(hex: string, n = 10): string {
  return hex.length > n + 2 ? `${hex.slice(0, n)}…` : hex;
}
