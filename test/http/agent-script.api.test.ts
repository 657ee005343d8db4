import { readFileSync } from 'node:fs';
import request from '../helpers/api-request';
import { AGENT_SCRIPT_PATH } from '../../src/http/agent-script';
import { testApp } from '../helpers/test-app';

describe('GET /agent.sh', () => {
  it('serves examples/agent.sh as plain text', async () => {
    const res = await request(testApp().app).get('/agent.sh').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe(readFileSync(AGENT_SCRIPT_PATH, 'utf8'));
    expect(res.text.startsWith('#!/bin/sh\n')).toBe(true);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await request(testApp().app).head('/agent.sh').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBeUndefined();
  });

  it('answers 400 naming a query parameter it does not read', async () => {
    await request(testApp().app)
      .get('/agent.sh?version=2')
      .expect(400, { error: 'unknown query parameter "version"; this route takes none' });
  });

  it.each(['post', 'put', 'delete'] as const)('answers %s with 405 and Allow: GET, HEAD, OPTIONS', async (method) => {
    const res = await request(testApp().app)[method]('/agent.sh').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.body).toEqual({ error: `method ${method.toUpperCase()} is not allowed here; allowed: GET, HEAD, OPTIONS` });
  });

  describe('when the API requires a token', () => {
    it('serves the script without one, as the dashboard is', async () => {
      const { app } = testApp(undefined, { authTokens: ['s3cret'], ingestTokens: ['agent-token'] });
      await request(app).get('/agent.sh').expect(200);
      await request(app).get('/perf').expect(401);
    });
  });
});
