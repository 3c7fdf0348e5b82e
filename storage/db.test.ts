import { describe, expect, it } from 'vitest';
import { databaseUrlWithUser, postgresConnectionProblem } from './db.js';

const noOsUser = () => {
  throw new Error('no passwd entry for uid 1001');
};

describe('the database URL', () => {
  it('takes PGUSER, then USER, then the OS account when it names no user', () => {
    const url = 'postgres://localhost:5432/switchyard';
    expect(databaseUrlWithUser(url, { PGUSER: 'pg-me', USER: 'me' }, () => 'os-me')).toBe(
      'postgres://pg-me@localhost:5432/switchyard',
    );
    expect(databaseUrlWithUser(url, { USER: 'me' }, () => 'os-me')).toBe('postgres://me@localhost:5432/switchyard');
    expect(databaseUrlWithUser(url, {}, () => 'os-me')).toBe('postgres://os-me@localhost:5432/switchyard');
  });

  it('keeps a user it names, and stays as it is when no user can be found', () => {
    expect(databaseUrlWithUser('postgres://app:secret@db:5432/sy', {}, () => 'os-me')).toBe(
      'postgres://app:secret@db:5432/sy',
    );
    expect(databaseUrlWithUser('postgres://localhost:5432/switchyard', {}, noOsUser)).toBe(
      'postgres://localhost:5432/switchyard',
    );
  });
});

describe('a failed Postgres connection', () => {
  const url = 'postgres://app:secret@127.0.0.1:6543/sy';

  it('names DATABASE_URL without its password and says how to start Postgres', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6543'), {
      code: 'ECONNREFUSED',
      port: 6543,
      address: '127.0.0.1',
    });
    const message = postgresConnectionProblem(refused, url)?.message;
    expect(message).toBe(
      'cannot reach Postgres at DATABASE_URL=postgres://app:***@127.0.0.1:6543/sy (ECONNREFUSED): start it (from a clone: `bash scripts/services.sh`) or point DATABASE_URL at a running server',
    );
    expect(message).not.toContain('secret');
  });

  it('is not blamed for a refused connection to another port (Redis, Temporal)', () => {
    const redis = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', port: 6379 });
    expect(postgresConnectionProblem(redis, url)).toBeUndefined();
  });

  it('says which variable to set when no user name reached the server', () => {
    const error = Object.assign(new Error('no PostgreSQL user name specified in startup packet'), { code: '28000' });
    expect(postgresConnectionProblem(error, 'postgres://localhost:5432/switchyard')?.message).toMatch(
      /names no user and neither PGUSER nor USER is set; set DATABASE_URL=postgres:\/\/<user>@/,
    );
  });

  it('names a missing role or database and what to do about it', () => {
    expect(
      postgresConnectionProblem(Object.assign(new Error('role "ghost" does not exist'), { code: '28000' }), url)
        ?.message,
    ).toMatch(/refused the login: role "ghost" does not exist; set DATABASE_URL with a user that exists/);
    expect(
      postgresConnectionProblem(Object.assign(new Error('database "sy" does not exist'), { code: '3D000' }), url)
        ?.message,
    ).toMatch(/`switchyard migrate` creates it/);
  });

  it('leaves errors that are not about connecting alone', () => {
    expect(
      postgresConnectionProblem(Object.assign(new Error('relation "flags" does not exist'), { code: '42P01' }), url),
    ).toBeUndefined();
    expect(postgresConnectionProblem('boom', url)).toBeUndefined();
  });
});
