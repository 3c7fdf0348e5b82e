import { describe, expect, it } from 'vitest';
import { cliActor } from './storage-runtime.js';

const account = () => 'deploy';
const noAccount = () => {
  throw new Error('no passwd entry');
};

describe('who a CLI change is recorded as', () => {
  it('is the name given with --as, before any variable', () => {
    expect(cliActor('ada', { SWITCHYARD_OPERATOR: 'grace', USER: 'root' }, account)).toBe('cli:ada');
  });

  it('is SWITCHYARD_OPERATOR when no name is given, then USER', () => {
    expect(cliActor(undefined, { SWITCHYARD_OPERATOR: 'grace', USER: 'root' }, account)).toBe('cli:grace');
    expect(cliActor(undefined, { USER: 'root' }, account)).toBe('cli:root');
  });

  it('skips an empty SWITCHYARD_OPERATOR (and an empty --as) rather than recording `cli:`', () => {
    expect(cliActor(undefined, { SWITCHYARD_OPERATOR: '', USER: 'root' }, account)).toBe('cli:root');
    expect(cliActor('  ', { SWITCHYARD_OPERATOR: ' ' }, account)).toBe('cli:deploy');
  });

  it('falls back to the OS account where USER is unset, as in most containers, and to `operator` without one', () => {
    expect(cliActor(undefined, { SWITCHYARD_OPERATOR: '' }, account)).toBe('cli:deploy');
    expect(cliActor(undefined, {}, noAccount)).toBe('cli:operator');
  });
});
