import { describe, expect, it } from 'vitest';
import { validateConfigEntry } from './validate-config-value.js';

describe('config values', () => {
  it('are accepted when they match the declared type', () => {
    const entry = validateConfigEntry({
      key: 'timeout',
      valueType: 'duration',
      value: '1h30m',
      scopes: [{ env: 'dev', value: '500ms' }],
    });
    expect(entry.value).toBe('1h30m');
  });

  it.each([
    [{ valueType: 'int', value: 1.5 }, 'value must be an integer (got 1.5)'],
    [{ valueType: 'number', value: '3' }, 'value must be a number (got "3")'],
    [{ valueType: 'boolean', value: 'yes' }, 'value must be true or false (got "yes")'],
    [
      { valueType: 'duration', value: '5 minutes' },
      'value must be a duration like 500ms, 30s, 5m or 1h30m (got "5 minutes")',
    ],
    [{ valueType: 'enum', enumValues: ['a', 'b'], value: 'c' }, 'value must be one of a, b (got "c")'],
    [{ valueType: 'enum', value: 'c' }, 'enumValues: an enum entry must list its allowed values'],
  ])('%o is refused: %s', (fields, message) => {
    expect(() => validateConfigEntry({ key: 'k', ...fields })).toThrow(`config k: ${message}`);
  });

  it('names every wrong scope', () => {
    expect(() =>
      validateConfigEntry({
        key: 'k',
        valueType: 'int',
        scopes: [
          { tenant: 'acme', value: 'x' },
          { user: 'u1', value: 2 },
        ],
      }),
    ).toThrow('scopes[0] (tenant acme) value must be an integer (got "x")');
  });

  it('reports an invalid JSON schema rather than crashing', () => {
    expect(() => validateConfigEntry({ key: 'k', valueType: 'json', schema: { type: 'nonsense' }, value: {} })).toThrow(
      'schema: not a valid JSON schema',
    );
  });

  it('leaves encrypted secret values alone', () => {
    expect(validateConfigEntry({ key: 'k', valueType: 'int', secret: true, value: { ciphertext: 'abc' } }).secret).toBe(
      true,
    );
  });
});
