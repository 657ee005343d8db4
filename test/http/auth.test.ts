import { SCOPE_BITS, authFailure, bearerAuth, isBearerToken, scopeNeeded, tokenMatcher } from '../../src/http/auth';

const NONE = { full: [], ingest: [], read: [] };
const { read: READ, ingest: INGEST, full: FULL } = SCOPE_BITS;

describe('isBearerToken', () => {
  it.each(['a', 'abc123', 'A-Z.a_z~0+9/', 'dG9rZW4=', 'dG9rZW4==', 'x'.repeat(500)])('accepts %j', (token) => {
    expect(isBearerToken(token)).toBe(true);
  });

  it.each(['', '=', '=abc', 'a=b', 'has space', 'tab\there', 'quote"', 'comma,', 'é', 'semi;colon'])('rejects %j', (token) => {
    expect(isBearerToken(token)).toBe(false);
  });
});

describe('tokenMatcher', () => {
  const grantsOf = tokenMatcher({ full: ['alpha-1', 'beta-2'], ingest: ['agent', 'both'], read: ['reader', 'both'] });

  it('grants every scope to every full token', () => {
    expect(grantsOf('alpha-1')).toBe(READ | INGEST | FULL);
    expect(grantsOf('beta-2')).toBe(READ | INGEST | FULL);
  });

  it('grants an ingest token ingest, a read token read, and a token in both lists both', () => {
    expect([grantsOf('agent'), grantsOf('reader'), grantsOf('both')]).toEqual([INGEST, READ, INGEST | READ]);
  });

  it.each(['', 'alpha', 'alpha-1x', 'ALPHA-1', ' alpha-1', 'beta-2 ', 'agent2'])('grants nothing to %j', (presented) => {
    expect(grantsOf(presented)).toBe(0);
  });
});

describe('scopeNeeded', () => {
  it.each([
    ['POST', INGEST],
    ['GET', READ],
    ['HEAD', READ],
    ['DELETE', FULL],
    ['PUT', FULL],
    ['PATCH', FULL],
    ['OPTIONS', READ | INGEST | FULL],
  ])('%s needs scope bits %i', (method, bits) => {
    expect(scopeNeeded(method)).toBe(bits);
  });
});

describe('authFailure', () => {
  const grantsOf = tokenMatcher({ ...NONE, full: ['alpha-1'], read: ['reader'] });

  it('grants access for the right token', () => {
    expect(authFailure('Bearer alpha-1', grantsOf, 'DELETE')).toBeUndefined();
    expect(authFailure('Bearer reader', grantsOf, 'GET')).toBeUndefined();
  });

  it('answers a valid token outside its scope with 403 naming the scope', () => {
    const failure = authFailure('Bearer reader', grantsOf, 'POST');
    expect({ status: failure?.status, message: failure?.message, headers: failure?.headers }).toEqual({
      status: 403,
      message: 'this token may not record samples: it lacks the ingest scope',
      headers: { 'WWW-Authenticate': 'Bearer realm="servertrack", error="insufficient_scope", scope="ingest"' },
    });
  });

  it('answers an empty header like a missing one', () => {
    const failure = authFailure('', grantsOf, 'GET');
    expect({ status: failure?.status, message: failure?.message, headers: failure?.headers }).toEqual({
      status: 401,
      message: 'Authorization: Bearer <token> is required',
      headers: { 'WWW-Authenticate': 'Bearer realm="servertrack"' },
    });
  });
});

describe('bearerAuth', () => {
  it('refuses to build without a token, so it can never guard with an empty list', () => {
    expect(() => bearerAuth(NONE)).toThrow('bearerAuth needs at least one token');
  });
});
