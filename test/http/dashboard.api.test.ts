import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import request from '../helpers/api-request';
import { PUBLIC_DIR, UPLOT_DIR } from '../../src/http/dashboard';
import { testApp } from '../helpers/test-app';

describe('GET / (the dashboard)', () => {
  it('serves the page as HTML', async () => {
    const res = await request(testApp().app).get('/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBe(readFileSync(path.join(PUBLIC_DIR, 'index.html'), 'utf8'));
  });

  it('serves its modules and style sheet with their types', async () => {
    const { app } = testApp();
    const script = await request(app).get('/js/main.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const style = await request(app).get('/dashboard.css').expect(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves uPlot from the installed package, so no CDN is needed', async () => {
    const { app } = testApp();
    const esm = await request(app).get('/vendor/uplot/uPlot.esm.js').expect(200);
    expect(esm.text).toBe(readFileSync(path.join(UPLOT_DIR, 'uPlot.esm.js'), 'utf8'));
    await request(app).get('/vendor/uplot/uPlot.min.css').expect(200);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await request(testApp().app).head('/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBeUndefined();
  });

  it.each(['post', 'put', 'delete', 'patch'] as const)('answers %s / with 405 and Allow: GET, HEAD, OPTIONS', async (method) => {
    const res = await request(testApp().app)[method]('/').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.body).toEqual({ error: `method ${method.toUpperCase()} is not allowed here; allowed: GET, HEAD, OPTIONS` });
  });

  it('answers OPTIONS / with 204 and the Allow header', async () => {
    const res = await request(testApp().app).options('/').expect(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  describe('when the API requires a token', () => {
    it('still serves the page and its files without one', async () => {
      const { app } = testApp(undefined, { authTokens: ['s3cret'] });
      await request(app).get('/').expect(200);
      await request(app).get('/js/main.js').expect(200);
      await request(app).get('/vendor/uplot/uPlot.esm.js').expect(200);
      await request(app).get('/perf').expect(401);
    });
  });

  describe('the files in public/', () => {
    // A strict Content-Security-Policy blocks inline code, so the page must have none.
    it('hold no inline script, inline style or style attribute', () => {
      const html = readFileSync(path.join(PUBLIC_DIR, 'index.html'), 'utf8');
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts).toEqual(['<script type="module" src="/js/main.js">']);
      expect(html).not.toMatch(/<style\b/);
      expect(html).not.toMatch(/\sstyle=/);
      expect(html).not.toMatch(/\son[a-z]+=/);
    });

    // The preloads flatten the import waterfall; one missing costs a round trip per import level.
    it('preload every module the page imports, and nothing else', () => {
      const html = readFileSync(path.join(PUBLIC_DIR, 'index.html'), 'utf8');
      const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)" \/>/g)].map((m) => m[1]);
      const imported = readdirSync(path.join(PUBLIC_DIR, 'js'))
        .filter((f) => f !== 'main.js')
        .map((f) => `/js/${f}`);
      expect(preloaded).toEqual([...imported, '/vendor/uplot/uPlot.esm.js']);
    });

    it('load nothing from another origin', () => {
      for (const name of ['index.html', 'dashboard.css', ...readdirSync(path.join(PUBLIC_DIR, 'js')).map((f) => `js/${f}`)]) {
        expect([name, readFileSync(path.join(PUBLIC_DIR, name), 'utf8')]).not.toEqual([
          name,
          expect.stringMatching(/(src|href)="https?:|import .* from 'https?:|url\(https?:/),
        ]);
      }
    });
  });
});
