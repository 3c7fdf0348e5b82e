import { Ajv } from 'ajv';
import { configEntrySchema, type ConfigEntry } from './config-entry.js';
import { formatZodIssues } from './validate-flag.js';
import { ValidationError } from '../errors.js';
import type { JsonValue } from './flag.js';
import { CONFIG_DURATION, expectedConfigValue } from './config-value.js';

function problemWithValue(
  entry: ConfigEntry,
  value: JsonValue,
  checkJson?: ReturnType<Ajv['compile']>,
): string | undefined {
  const got = JSON.stringify(value);
  const mustBe = (fits: boolean) =>
    fits ? undefined : `must be ${expectedConfigValue(entry.valueType, entry.enumValues ?? [])} (got ${got})`;
  switch (entry.valueType) {
    case 'int':
      return mustBe(Number.isInteger(value));
    case 'number':
      return mustBe(typeof value === 'number' && Number.isFinite(value));
    case 'string':
      return mustBe(typeof value === 'string');
    case 'boolean':
      return mustBe(typeof value === 'boolean');
    case 'duration':
      return mustBe(typeof value === 'string' && CONFIG_DURATION.test(value));
    case 'enum':
      return mustBe(typeof value === 'string' && (entry.enumValues ?? []).includes(value));
    case 'json': {
      if (!checkJson) return undefined;
      if (checkJson(value)) return undefined;
      const errors = (checkJson.errors ?? []).map((e) => `${e.instancePath || '(value)'} ${e.message}`).join(', ');
      return `does not match the entry's JSON schema: ${errors}`;
    }
  }
}

/** Every problem with an entry's values against its declared type, worded for the person who typed them. */
export function configValueProblems(entry: ConfigEntry): string[] {
  // Secret values are encrypted envelopes; their clear text was checked before encryption.
  if (entry.secret) return [];
  const problems: string[] = [];
  if (entry.valueType === 'enum' && !entry.enumValues?.length)
    problems.push('enumValues: an enum entry must list its allowed values');
  let checkJson: ReturnType<Ajv['compile']> | undefined;
  if (entry.valueType === 'json' && entry.schema) {
    try {
      // A fresh Ajv per entry: Ajv caches compiled schemas by object identity, which would grow
      // without bound in a long-running worker. Config writes are rare; compiling is cheap enough.
      checkJson = new Ajv({ allErrors: true, strict: false }).compile(entry.schema);
    } catch (err) {
      problems.push(`schema: not a valid JSON schema (${(err as Error).message})`);
      return problems;
    }
  }
  if (entry.value !== undefined) {
    const problem = problemWithValue(entry, entry.value, checkJson);
    if (problem) problems.push(`value ${problem}`);
  }
  entry.scopes.forEach((scope, i) => {
    const problem = problemWithValue(entry, scope.value, checkJson);
    const where = [
      scope.env && `env ${scope.env}`,
      scope.tenant && `tenant ${scope.tenant}`,
      scope.user && `user ${scope.user}`,
    ]
      .filter(Boolean)
      .join(', ');
    if (problem) problems.push(`scopes[${i}]${where ? ` (${where})` : ''} value ${problem}`);
  });
  return problems;
}

/** Parses a config entry and checks its values; throws a ValidationError naming every problem. */
export function validateConfigEntry(input: unknown): ConfigEntry {
  const parsed = configEntrySchema.safeParse(input);
  const label =
    typeof input === 'object' && input && 'key' in input ? String((input as { key: unknown }).key) : 'config';
  if (!parsed.success) throw new ValidationError(`${label}: ${formatZodIssues(parsed.error)}`);
  const problems = configValueProblems(parsed.data);
  if (problems.length) throw new ValidationError(`config ${parsed.data.key}: ${problems.join('; ')}`);
  return parsed.data;
}
