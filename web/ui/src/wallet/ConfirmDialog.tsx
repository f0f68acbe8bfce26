// A confirmation as a native modal <dialog>: the browser traps focus inside it, Escape cancels, and focus returns to
// the control that opened it. The safe choice (Cancel) has the initial focus.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from '../shared/ui';

export function ConfirmDialog({
  open,
  title,
  children,
  confirmText,
  busy,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmText: string;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      const opener = document.activeElement as HTMLElement | null;
      d.showModal();
      cancelRef.current?.focus();
      return () => opener?.focus();
    }
    if (!open && d.open) d.close();
    return undefined;
  }, [open]);
  return (
    <dialog ref={ref} className="confirm" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); if (!busy) onCancel(); }}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="actions">
        <button ref={cancelRef} type="button" className="btn btn-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <Button variant="danger" onClick={onConfirm} busy={busy}>
          {confirmText}
        </Button>
      </div>
    </dialog>
  );
}
