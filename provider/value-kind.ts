import type { FlagDocument, FlagValue } from '../core/model/flag.js';

/** The four value types OpenFeature asks for. */
export type ValueKind = 'boolean' | 'string' | 'number' | 'object';

export function kindOfValue(value: FlagValue): ValueKind {
  const type = typeof value;
  return type === 'boolean' || type === 'string' || type === 'number' ? type : 'object';
}

/**
 * The kind a flag serves: its declared `valueType`, or the kind all its variations share.
 * Undefined when the variations disagree (only a hand-written document can), in which case
 * each served value is checked on its own.
 */
export function kindOfFlag(flag: FlagDocument): ValueKind | undefined {
  switch (flag.valueType) {
    case 'boolean':
    case 'string':
    case 'number':
      return flag.valueType;
    case 'json':
      return 'object';
  }
  const kinds = new Set((flag.variations ?? []).map((v) => kindOfValue(v.value)));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}
