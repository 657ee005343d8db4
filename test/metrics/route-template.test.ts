import express from 'express';
import { matchTemplate, routeTemplates } from '../../src/metrics/route-template';

describe('routeTemplates', () => {
  it('lists the route paths of an app, those of mounted routers with their mount path', () => {
    const app = express();
    app.route('/healthz').get((_req, res) => res.end());
    app.use((_req, _res, next) => next());
    const root = express.Router();
    root.route('/perf/:host').post((_req, res) => res.end());
    app.use(root);
    const admin = express.Router();
    admin.get('/users/:id', (_req, res) => res.end());
    app.use('/admin', admin);

    expect(routeTemplates(app.router as Parameters<typeof routeTemplates>[0])).toEqual(['/healthz', '/perf/:host', '/admin/users/:id']);
  });
});

describe('matchTemplate', () => {
  const templates = ['/', '/healthz', '/perf', '/perf/:host', '/perf/:host/:mode'];

  it.each([
    ['/', '/'],
    ['/healthz', '/healthz'],
    ['/perf', '/perf'],
    ['/perf/', '/perf'],
    ['/perf/web-01', '/perf/:host'],
    ['/perf/web-01/', '/perf/:host'],
    ['/perf/web-01/last_hour', '/perf/:host/:mode'],
    ['/PERF/Web-01', '/perf/:host'],
  ])('fits %s to %s', (path, template) => {
    expect(matchTemplate(templates, path)).toBe(template);
  });

  it.each(['/perf//last_hour', '/perf/web-01/last_hour/extra', '/nothing', '/healthz/x', ''])('fits %p to none', (path) => {
    expect(matchTemplate(templates, path)).toBeUndefined();
  });
});
