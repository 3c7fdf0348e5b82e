/** Where the evaluator is and the key to it, or every problem with them, each naming its variable. */
export type ExampleSettings = { ok: true; baseUrl: string; sdkKey: string } | { ok: false; problems: string[] };

export function readSettings(env: ImportMetaEnv): ExampleSettings {
  const baseUrl = env.VITE_SWITCHYARD_URL?.trim();
  const sdkKey = env.VITE_SWITCHYARD_SDK_KEY?.trim();
  const problems: string[] = [];
  if (!baseUrl)
    problems.push('VITE_SWITCHYARD_URL is not set: set it to the evaluator’s URL, e.g. http://127.0.0.1:8080');
  else if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol))
    problems.push(`VITE_SWITCHYARD_URL must be an http(s) URL (got “${baseUrl}”)`);
  if (!sdkKey)
    problems.push(
      'VITE_SWITCHYARD_SDK_KEY is not set: create one with `switchyard key create --env dev --scopes flags`',
    );
  return baseUrl && sdkKey && !problems.length
    ? { ok: true, baseUrl: baseUrl.replace(/\/+$/, ''), sdkKey }
    : { ok: false, problems };
}

/**
 * The visitor's id, kept by this browser: it is the evaluation's `targetingKey`, so a percentage
 * rollout puts one visitor in the same bucket on every visit.
 */
export function visitorId(storage: Storage = window.localStorage): string {
  const saved = storage.getItem('switchyard-example-visitor');
  if (saved) return saved;
  const id = `visitor-${crypto.randomUUID()}`;
  storage.setItem('switchyard-example-visitor', id);
  return id;
}
