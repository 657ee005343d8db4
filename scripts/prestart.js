/*
 * `npm start` runs this first. With the dev dependencies installed (a development checkout,
 * `npm ci && npm start`) it builds src/ into dist/, so the server started is always the
 * source in front of you. A production install (`npm prune --omit=dev`, or
 * `npm ci --omit=dev`) has no TypeScript compiler: then it starts the dist/ already built,
 * or, if there is none, stops saying how to build one.
 */
'use strict';
// Plain CommonJS: it must run where neither TypeScript nor ts-node is installed.
/* eslint-disable @typescript-eslint/no-require-imports */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

function compilerPath() {
  try {
    return require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    return undefined;
  }
}

const tsc = compilerPath();
if (tsc !== undefined) {
  // The same command as `npm run build`.
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  process.exit(build.status ?? 1);
} else if (existsSync(path.join(root, 'dist', 'server.js'))) {
  console.error('servertrack: TypeScript is not installed (production install): starting the build already in dist/');
} else {
  console.error(
    'servertrack: dist/server.js is missing and TypeScript is not installed (a production install leaves it out), so it cannot be built here.\n' +
      'Build it where the dev dependencies are installed: npm ci && npm run build && npm prune --omit=dev, then npm start (docs/operations.md, Production).',
  );
  process.exit(1);
}
