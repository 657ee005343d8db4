import { authFailure, bearerAuth, isBearerToken, tokenMatcher } from '../../src/http/auth';

describe('isBearerToken', () => {
  it.each(['a', 'abc123', 'A-Z.a_z~0+9/', 'dG9rZW4=', 'dG9rZW4==', 'x'.repeat(500)])('accepts %j', (token) => {
    expect(isBearerToken(token)).toBe(true);
  });

  it.each(['', '=', '=abc', 'a=b', 'has space', 'tab\there', 'quote"', 'comma,', 'é', 'semi;colon'])('rejects %j', (token) => {
    expect(isBearerToken(token)).toBe(false);
  });
});

describe('tokenMatcher', () => {
  const matches = tokenMatcher(['alpha-1', 'beta-2']);

  it('matches every configured token', () => {
    expect(matches('alpha-1')).toBe(true);
    expect(matches('beta-2')).toBe(true);
  });

  it.each(['', 'alpha', 'alpha-1x', 'ALPHA-1', ' alpha-1', 'beta-2 '])('does not match %j', (presented) => {
    expect(matches(presented)).toBe(false);
  });
});

describe('authFailure', () => {
  const matches = tokenMatcher(['alpha-1']);

  it('grants access for the right token', () => {
    expect(authFailure('Bearer alpha-1', matches)).toBeUndefined();
  });

  it('answers an empty header like a missing one', () => {
    const failure = authFailure('', matches);
    expect({ status: failure?.status, message: failure?.message, headers: failure?.headers }).toEqual({
      status: 401,
      message: 'Authorization: Bearer <token> is required',
      headers: { 'WWW-Authenticate': 'Bearer realm="servertrack"' },
    });
  });
});

describe('bearerAuth', () => {
  it('refuses to build without a token, so it can never guard with an empty list', () => {
    expect(() => bearerAuth([])).toThrow('bearerAuth needs at least one token');
  });
});
