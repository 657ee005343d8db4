/*
 * GET /agent.sh: the shell agent (examples/agent.sh), so a host can fetch it from the tracker
 * it reports to: `curl -fsS http://tracker:8080/agent.sh | SERVERTRACK_URL=http://tracker:8080 sh`.
 * Open like the dashboard: the script holds no secret, and a host fetching it may have only
 * an ingest token, or none yet.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { methodNotAllowed } from './errors';
import { allowQuery } from './query-params';

/** examples/ sits next to src/ and dist/, so the same path works from source and from the build. */
export const AGENT_SCRIPT_PATH = path.resolve(__dirname, '..', '..', 'examples', 'agent.sh');

export function agentScriptRouter(): Router {
  // Read once: the script changes only with a new release, and a sample-sized file costs nothing to hold.
  const script = readFileSync(AGENT_SCRIPT_PATH, 'utf8');
  const router = express.Router();
  router
    .route('/agent.sh')
    .get(allowQuery(), (_req, res) => {
      res.type('text/plain; charset=utf-8').send(script);
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  return router;
}
