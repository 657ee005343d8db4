/*
 * Route templates for requests answered before routing (a 401 from the auth middleware,
 * a 404): their metrics should still say "/perf/:host", not "unmatched". Templates are read
 * from the app's own router stack, so there is no second route table to keep in step.
 * Only the simple template syntax the app uses is understood: literal segments and ":name".
 */

interface RouterLike {
  stack?: LayerLike[];
}

interface LayerLike {
  route?: { path?: unknown };
  handle?: RouterLike;
  rawPath?: unknown;
}

/** Every string route path in `router`, mounted routers included (with their mount path). */
export function routeTemplates(router: RouterLike, prefix = ''): string[] {
  const templates: string[] = [];
  for (const layer of router.stack ?? []) {
    const path = layer.route?.path;
    if (typeof path === 'string') {
      templates.push(prefix + path);
    } else if (layer.handle?.stack !== undefined) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      templates.push(...routeTemplates(layer.handle, prefix + mount));
    }
  }
  return templates;
}

function segments(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/');
}

/** The first template `path` (no query string) fits, or undefined. */
export function matchTemplate(templates: readonly string[], path: string): string | undefined {
  const parts = segments(path);
  for (const template of templates) {
    const pattern = segments(template);
    if (pattern.length !== parts.length) continue;
    let fits = true;
    for (let i = 0; i < pattern.length && fits; i++) {
      // Express matches paths case-insensitively by default, so '/PERF/x' is '/perf/:host'.
      fits = pattern[i].startsWith(':') ? parts[i] !== '' : pattern[i].toLowerCase() === parts[i].toLowerCase();
    }
    if (fits) return template;
  }
  return undefined;
}
