import { ValidationError } from '../core/errors.js';

const WEB_SCHEMES = new Set(['http:', 'https:']);

/**
 * The browser origins an SDK key may be used from, as browsers send them in `Origin`: evaluators
 * compare the header to these strings exactly, so anything a browser would never send (a path, a
 * trailing slash, upper case, a default port) is refused here rather than silently never matching.
 */
export function checkedOrigins(input: readonly string[]): string[] {
  const origins = [...new Set(input.map((origin) => origin.trim()))];
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (url !== undefined && WEB_SCHEMES.has(url.protocol) && url.origin === origin) continue;
    const hint = url !== undefined && WEB_SCHEMES.has(url.protocol) ? `; did you mean ${url.origin}?` : '';
    throw new ValidationError(
      `"${origin}" is not an origin: give scheme://host[:port] with http or https and no path (e.g. https://app.example.com)${hint}`,
    );
  }
  return origins;
}
