import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { flagDocumentSchema, type FlagDocument, type FlagValueType, type JsonValue, type Serve } from './flag.js';
import { ValidationError } from '../errors.js';

export const MAX_EXPIRY_DAYS_AHEAD = 90;
const DAY_MS = 86_400_000;

export interface ValidatedFlag {
  flag: FlagDocument;
  /** Accepted but worth a human's attention (e.g. an expiry already past). */
  warnings: string[];
}

export interface ValidateFlagOptions {
  now?: Date;
  /**
   * Creating a flag enforces the 90-day expiry horizon; importing an existing definition only
   * warns, so flags-as-code written months ago still load.
   */
  mode?: 'create' | 'import';
}

function typeOf(value: JsonValue): FlagValueType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  return 'json';
}

/** The variation id the flag's `default` names: a variation id, or the id of the variation with that value. */
export function defaultVariationId(flag: Pick<FlagDocument, 'default' | 'variations'>): string | undefined {
  if (typeof flag.default === 'string' && flag.variations.some((v) => v.id === flag.default)) return flag.default;
  return flag.variations.find((v) => isDeepStrictEqual(v.value, flag.default))?.id;
}

/** Whether the flag serves booleans (its declared value type, else the type of its variations' values). */
export function isBooleanFlag(flag: Pick<FlagDocument, 'valueType' | 'variations'>): boolean {
  if (flag.valueType) return flag.valueType === 'boolean';
  return flag.variations.length > 0 && flag.variations.every((v) => typeof v.value === 'boolean');
}

/** Where a flag's off variation comes from: the `false` variation, the declared `offVariation`, or the default as a last resort. */
export type OffVariationSource = 'false' | 'declared' | 'default';

/**
 * What a kill serves (environment or tenant kill). A kill must turn the feature off, so it is
 * never simply the default (an ops flag defaults to on): a boolean flag serves its `false`
 * variation whatever the default or a declared `offVariation` say; any other flag serves the
 * `offVariation` it declares. Only a non-boolean flag imported without one falls back to its
 * default variation (import warns about exactly that), because there is no value that means
 * "off" for a string, number or JSON flag unless its owner says which.
 */
export function offVariation(flag: Pick<FlagDocument, 'valueType' | 'variations' | 'offVariation' | 'default'>): {
  id: string;
  source: OffVariationSource;
} {
  if (isBooleanFlag(flag)) {
    const falsy = flag.variations.find((v) => v.value === false);
    if (falsy) return { id: falsy.id, source: 'false' };
  }
  if (flag.offVariation !== undefined && flag.variations.some((v) => v.id === flag.offVariation))
    return { id: flag.offVariation, source: 'declared' };
  return { id: defaultVariationId(flag) ?? flag.variations[0]!.id, source: 'default' };
}

export function offVariationId(
  flag: Pick<FlagDocument, 'valueType' | 'variations' | 'offVariation' | 'default'>,
): string {
  return offVariation(flag).id;
}

export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(document)'}: ${issue.message}`)
    .join('; ');
}

/**
 * A kill must have a clear "off" to serve. Creating a flag refuses one without it; importing an
 * existing definition only warns (naming the flag and what a kill will serve instead), so
 * flags-as-code written before the rule still load.
 */
function checkOffVariation(flag: FlagDocument, into: string[], importing: boolean): void {
  const prefix = importing ? `${flag.key}: ` : '';
  const { id, source } = offVariation(flag);
  if (isBooleanFlag(flag)) {
    if (source !== 'false') {
      into.push(
        `${prefix}offVariation: a boolean flag needs a \`false\` variation for a kill to serve${importing ? ` (until it has one, a kill serves "${id}")` : ''}`,
      );
    } else if (flag.offVariation !== undefined && flag.offVariation !== id) {
      into.push(
        `${prefix}offVariation: "${flag.offVariation}" is not false; a kill of a boolean flag always serves its \`false\` variation "${id}"`,
      );
    }
    return;
  }
  if (source === 'default') {
    into.push(
      importing
        ? `${prefix}offVariation: a ${flag.valueType ?? 'non-boolean'} flag declares no offVariation, so a kill serves its default variation "${id}"; declare the variation that turns the feature off ("offVariation": "<id>")`
        : `offVariation: a ${flag.valueType ?? 'non-boolean'} flag must declare the variation a kill serves (--off <variation>, one of ${flag.variations.map((v) => v.id).join(', ')})`,
    );
  }
}

/**
 * Parses and checks a flag document beyond its shape: variation references, value types and the
 * metadata each kind requires (docs/design.md#flag-kinds). Throws a ValidationError naming every problem found.
 */
export function validateFlag(input: unknown, options: ValidateFlagOptions = {}): ValidatedFlag {
  const parsed = flagDocumentSchema.safeParse(input);
  const label = typeof input === 'object' && input && 'key' in input ? String((input as { key: unknown }).key) : 'flag';
  if (!parsed.success) throw new ValidationError(`${label}: ${formatZodIssues(parsed.error)}`);
  const flag = parsed.data;
  const problems: string[] = [];
  const warnings: string[] = [];
  const now = options.now ?? new Date();

  const ids = new Set<string>();
  for (const v of flag.variations) {
    if (ids.has(v.id)) problems.push(`variations: duplicate id "${v.id}"`);
    ids.add(v.id);
  }
  const types = new Set(flag.variations.map((v) => typeOf(v.value)));
  if (types.size > 1) problems.push(`variations: values must all be of one type (found ${[...types].join(', ')})`);
  const inferred = flag.variations[0] ? typeOf(flag.variations[0].value) : 'boolean';
  if (flag.valueType && flag.valueType !== inferred && !(flag.valueType === 'json' && types.size === 1)) {
    problems.push(`valueType: "${flag.valueType}" does not match the variations' values (${inferred})`);
  }
  flag.valueType ??= inferred;

  if (defaultVariationId(flag) === undefined) {
    problems.push(`default: ${JSON.stringify(flag.default)} is neither a variation id nor a variation's value`);
  }
  if (flag.offVariation !== undefined && !ids.has(flag.offVariation)) {
    problems.push(`offVariation: unknown variation "${flag.offVariation}" (variations: ${[...ids].join(', ')})`);
  } else {
    checkOffVariation(flag, options.mode === 'import' ? warnings : problems, options.mode === 'import');
  }

  const checkServe = (where: string, serve: Serve | undefined) => {
    if (!serve) return;
    const named = 'serve' in serve ? [serve.serve] : Object.keys(serve.rollout);
    for (const id of named) if (!ids.has(id)) problems.push(`${where}: unknown variation "${id}"`);
  };
  const checkRules = (where: string, rules: FlagDocument['rules']) => {
    const ruleIds = new Set<string>();
    rules.forEach((rule, i) => {
      checkServe(`${where}[${i}].action`, rule.action);
      if (rule.id) {
        if (ruleIds.has(rule.id)) problems.push(`${where}[${i}].id: duplicate rule id "${rule.id}"`);
        ruleIds.add(rule.id);
      }
    });
  };
  checkRules('rules', flag.rules);
  for (const [env, state] of Object.entries(flag.environments)) {
    checkRules(`environments.${env}.rules`, state.rules);
    checkServe(`environments.${env}.serve`, state.serve);
    for (const [tenant, id] of Object.entries(state.tenantOverrides)) {
      if (!ids.has(id)) problems.push(`environments.${env}.tenantOverrides.${tenant}: unknown variation "${id}"`);
    }
    for (const [user, o] of Object.entries(state.userOverrides)) {
      if (!ids.has(o.variation))
        problems.push(`environments.${env}.userOverrides.${user}: unknown variation "${o.variation}"`);
    }
  }

  if (flag.kind === 'release' || flag.kind === 'experiment') {
    if (!flag.expiry) {
      problems.push(`expiry: a ${flag.kind} flag must carry an expiry (at most ${MAX_EXPIRY_DAYS_AHEAD} days ahead)`);
    } else {
      const expiry = Date.parse(flag.expiry);
      if (expiry < now.getTime()) {
        warnings.push(
          `${flag.key}: expiry ${flag.expiry} is in the past — this flag is stale and should be cleaned up`,
        );
      } else if (expiry - now.getTime() > MAX_EXPIRY_DAYS_AHEAD * DAY_MS) {
        const message = `expiry: ${flag.expiry} is more than ${MAX_EXPIRY_DAYS_AHEAD} days ahead`;
        if (options.mode === 'import') warnings.push(`${flag.key}: ${message}`);
        else problems.push(message);
      }
    }
  }

  if (problems.length) throw new ValidationError(`${flag.key}: ${problems.join('; ')}`);
  return { flag, warnings };
}
