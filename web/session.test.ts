import { describe, expect, it } from 'vitest';
import { tokenize } from '../core/command/tokenize.js';
import { quoted } from './command-outcome.js';
import { createSessionCodec, csrfMatches } from './session.js';

describe('browser sessions', () => {
  it('a session cookie reads back as the principal who signed in, with its CSRF value', () => {
    const codec = createSessionCodec();
    const { session, value } = codec.issue('U_ALICE');
    expect(codec.read(value)).toEqual(session);
    expect(csrfMatches(session, session.csrf)).toBe(true);
    expect(csrfMatches(session, 'guess')).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
  });

  it('an altered, forged or expired cookie signs nobody in', () => {
    let now = 1_000_000;
    const codec = createSessionCodec(undefined, () => now);
    const { value } = codec.issue('U_ALICE');
    const [payload, signature] = value.split('.');
    const asBob = Buffer.from(JSON.stringify({ principal: 'U_BOB', csrf: 'x', expiresAt: now + 1000 })).toString(
      'base64url',
    );
    expect(codec.read(`${asBob}.${signature}`)).toBeUndefined();
    expect(createSessionCodec().read(value)).toBeUndefined();
    expect(codec.read(`${payload}.`)).toBeUndefined();
    now += codec.maxAgeSeconds * 1000 + 1;
    expect(codec.read(value)).toBeUndefined();
  });
});

describe('a reason passed on to the chat grammar', () => {
  it('stays one argument whatever quotes, backslashes or line breaks it holds', () => {
    for (const reason of ['plain', 'say "no"', 'ends with \\', 'two\nlines', "it's fine"]) {
      const tokens = tokenize(`revert abc --reason ${quoted(reason)}`);
      expect(tokens).toHaveLength(4);
      expect(tokens[3]!.text.trim()).toBe(reason.replace(/\s+/g, ' '));
    }
  });
});
