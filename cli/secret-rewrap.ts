import { SwitchyardError, ValidationError } from '../core/errors.js';
import { keyRingFromSettings, type MasterKeyRing } from '../core/secrets/keyring.js';
import type { StorageDeps } from '../storage/deps.js';
import { rewrapSecrets } from '../storage/secret-rewrap.js';
import type { Settings } from './settings.js';

export interface RewrapCommandOptions {
  reason: string;
  actor: string;
  limit?: number;
  /** A progress line after every this many re-wrapped secrets. */
  every: number;
  /** Where lines go (stdout in the CLI; collected in tests). */
  print: (line: string) => void;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The ring a rewrap needs, or a one-line refusal saying what to set. */
export function rewrapKeyRing(settings: Pick<Settings, 'SECRETS_MASTER_KEY' | 'SECRETS_MASTER_KEYS'>): MasterKeyRing {
  const ring = keyRingFromSettings(settings);
  if (!ring)
    throw new SwitchyardError(
      'secret rewrap needs the key ring: set SECRETS_MASTER_KEYS to the new key followed by the old ones (comma-separated base64)',
      'CONFIG',
      500,
    );
  return ring;
}

/**
 * `switchyard secret rewrap --reason "…"`: re-wraps every secret still under an older key of the
 * ring (storage/secret-rewrap.ts), printing a line per `every` secrets and a summary. Returns whether
 * everything that needed it is now under the current key (false: problems, or `limit` left some).
 */
export async function runSecretRewrap(
  deps: StorageDeps,
  ring: MasterKeyRing,
  options: RewrapCommandOptions,
): Promise<boolean> {
  if (!options.reason.trim()) throw new ValidationError('--reason must say why the secrets are re-wrapped');
  const { print } = options;
  const report = await rewrapSecrets(deps, {
    ring,
    actor: options.actor,
    reason: options.reason,
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    progress: { every: options.every, report: (done, of) => print(`re-wrapped ${done} of ${of} secrets…`) },
  });
  const under = `the current key ${ring.currentId}`;
  if (!report.rewrapped && !report.left && !report.problems.length) {
    print(
      report.secrets
        ? `nothing to do: every secret (${report.secrets}) is already under ${under}`
        : 'nothing to do: no secrets are stored',
    );
    return true;
  }
  const parts = [
    `re-wrapped ${plural(report.rewrapped, 'secret')} (${plural(report.envelopes, 'envelope')}) under ${under}`,
    `${report.current} already under it`,
  ];
  if (report.left) parts.push(`${report.left} left for the next run (--limit ${options.limit})`);
  print(parts.join('; '));
  for (const problem of report.problems) print(`not re-wrapped: ${problem}`);
  if (report.problems.length)
    print('Fix what each line above names, then run switchyard secret rewrap again (what is done stays done).');
  else if (report.left)
    print('Run switchyard secret rewrap again to continue where it stopped (what is done stays done).');
  return !report.left && !report.problems.length;
}
