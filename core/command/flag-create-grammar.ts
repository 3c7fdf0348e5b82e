import { FLAG_KINDS, VALUE_TYPES } from '../model/flag.js';
import type { Args, Subcommand } from './args.js';
import { parseDate, parseVariations } from './option-values.js';

/** `/flag create`: a flag's kind, metadata and variations, checked against each other before anything is planned. */
function create(a: Args) {
  const key = a.key();
  const kind = a.oneOf('kind', FLAG_KINDS, a.required('kind', FLAG_KINDS.join('|')))!;
  const owner = a.required('owner', '<team>');
  const description = a.required('description', '"<text>"');
  const declared = a.oneOf('type', VALUE_TYPES, a.option('type'));
  const variationText = a.option('variations');
  const parsed =
    variationText === undefined
      ? undefined
      : a.read('--variations', variationText, (t) => parseVariations(t, declared));
  const type = parsed?.type ?? declared ?? 'boolean';
  if (!parsed && type !== 'boolean') a.fail(`a ${type} flag needs \`--variations id=value,…\``);
  const defaultId = a.option('default');
  if (defaultId !== undefined && parsed && !parsed.variations.some((v) => v.id === defaultId)) {
    a.fail(
      `\`--default\` must be one of the variations ${parsed.variations.map((v) => v.id).join(', ')} (got \`${defaultId}\`)`,
    );
  }
  const offId = a.option('off');
  const ids = parsed?.variations.map((v) => v.id) ?? ['on', 'off'];
  if (offId !== undefined && !ids.includes(offId))
    a.fail(`\`--off\` must be one of the variations ${ids.join(', ')} (got \`${offId}\`)`);
  // Which of your own variations everyone gets is a decision, never a guess from their order.
  if (parsed && defaultId === undefined)
    a.fail(`a flag with its own variations needs a default: give \`--default <one of ${ids.join(', ')}>\``);
  const expiryText = a.option('expiry');
  return {
    name: 'flag.create' as const,
    key,
    kind,
    owner,
    description,
    type,
    variations: parsed?.variations,
    default: defaultId,
    off: offId,
    expiry: expiryText === undefined ? undefined : a.read('--expiry', expiryText, parseDate),
    ticket: a.option('ticket'),
    reason: a.option('reason'),
  };
}

export const FLAG_CREATE: Subcommand = {
  path: ['create'],
  name: 'flag.create',
  options: {
    kind: 'value',
    owner: 'value',
    description: 'value',
    type: 'value',
    variations: 'value',
    default: 'value',
    off: 'value',
    expiry: 'value',
    ticket: 'value',
    reason: 'value',
  },
  build: create,
};
