import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { problemOf } from './api.js';

interface Props {
  /** The field's label, e.g. "Reason for rejecting api-123". */
  label: string;
  submitLabel: string;
  /** Shown, and nothing sent, when the reason is empty. */
  emptyError: string;
  onSubmit(reason: string): Promise<void>;
  onCancel(): void;
}

/**
 * Asks for a reason before a decision that needs one (a rejection, a revert): it refuses to send
 * an empty one and says so next to the field. Opens with the field focused, so the keyboard user
 * types straight away.
 */
export function ReasonForm({ label, submitLabel, emptyError, onSubmit, onCancel }: Props) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  useEffect(() => field.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setError(emptyError);
      field.current?.focus();
      return;
    }
    setSending(true);
    setError(undefined);
    try {
      await onSubmit(reason.trim());
    } catch (err) {
      setError(problemOf(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="reason-form" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor={`${id}-reason`}>{label}</label>
      <input
        id={`${id}-reason`}
        ref={field}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      />
      <div className="actions">
        <button type="submit" className="danger" disabled={sending}>
          {sending ? 'Sending…' : submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
