import { ProviderStatus, useFlag, useOpenFeatureClientStatus } from '@openfeature/react-sdk';

export const FLAG_KEY = 'checkout-v2';

/** What is wrong when the provider cannot answer, in words that say what to fix. */
function statusNote(status: ProviderStatus, evaluatorUrl: string): string | undefined {
  switch (status) {
    case ProviderStatus.NOT_READY:
      return `Connecting to ${evaluatorUrl}…`;
    case ProviderStatus.FATAL:
      return 'The evaluator refused the SDK key (401/403): check VITE_SWITCHYARD_SDK_KEY (`switchyard key list`).';
    case ProviderStatus.ERROR:
      return `Cannot read flags from ${evaluatorUrl}: is the evaluator running, and does EVALUATOR_CORS_ORIGINS list ${window.location.origin}?`;
    case ProviderStatus.STALE:
      return 'The last answer may be out of date: reconnecting.';
    default:
      return undefined;
  }
}

export function App({ evaluatorUrl }: { evaluatorUrl: string }) {
  const checkout = useFlag(FLAG_KEY, false);
  const note = statusNote(useOpenFeatureClientStatus(), evaluatorUrl);
  return (
    <main>
      <h1>Checkout</h1>
      {checkout.value ? (
        <section id="checkout" data-variant="v2" aria-label="New checkout">
          <h2>New checkout</h2>
          <p>One page, express pay first.</p>
        </section>
      ) : (
        <section id="checkout" data-variant="classic" aria-label="Classic checkout">
          <h2>Classic checkout</h2>
          <p>Cart, address, payment: three steps.</p>
        </section>
      )}
      <dl>
        <dt>
          <code>{FLAG_KEY}</code>
        </dt>
        <dd id="flag-value">{String(checkout.value)}</dd>
        <dt>Reason</dt>
        <dd id="flag-reason">{checkout.details.reason ?? 'none given'}</dd>
        {checkout.errorCode ? (
          <>
            <dt>Error</dt>
            <dd id="flag-error">{checkout.errorCode}</dd>
          </>
        ) : null}
      </dl>
      {note ? <p role="status">{note}</p> : null}
      <p>
        This updates without a reload when the flag changes (try{' '}
        <code>/flag kill {FLAG_KEY} --env dev --reason "demo"</code>): the evaluator pushes the change over its event
        stream and the provider re-fetches.
      </p>
    </main>
  );
}

/** Shown instead of the app when the build has no evaluator to talk to. */
export function MissingSettings({ problems }: { problems: string[] }) {
  return (
    <main>
      <h1>Switchyard example: not configured</h1>
      <p role="alert">The example needs two variables at build time (see examples/web/README.md):</p>
      <ul id="problems">
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
    </main>
  );
}
