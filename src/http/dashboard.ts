/*
 * The dashboard: static files from public/ (plain ES modules and CSS, no build step) and
 * uPlot served from its installed package, so the page works offline and behind a strict
 * Content-Security-Policy (no inline script or style anywhere).
 */
import path from 'node:path';
import express, { Router } from 'express';
import { methodNotAllowed } from './errors';

/** public/ sits next to src/ and dist/, so the same path works from source and from the build. */
export const PUBLIC_DIR = path.resolve(__dirname, '..', '..', 'public');

/** uPlot's dist/ folder, wherever npm installed it. */
export const UPLOT_DIR = path.dirname(require.resolve('uplot'));

export function dashboardRouter(): Router {
  const router = express.Router();
  // Only GET and HEAD reach the files; any other method on / gets the 405 every route gives.
  // No redirect of a folder to its trailing-slash form (an HTML 301): it falls through to
  // the JSON 404 like any other unknown path (found by fuzzing).
  router.use('/vendor/uplot', express.static(UPLOT_DIR, { index: false, redirect: false }));
  router.use(express.static(PUBLIC_DIR, { index: 'index.html', redirect: false }));
  router.route('/').all(methodNotAllowed(['GET', 'HEAD']));
  return router;
}
