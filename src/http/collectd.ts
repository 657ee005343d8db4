/*
 * POST /collectd: what collectd's write_http plugin sends, in either of its formats, told
 * apart by Content-Type: application/json (Format "JSON") or text/plain (Format "Command",
 * also taken without a type). Auth, when tokens are set: write_http's User and Password
 * (Basic, the token as the password) or a `Header "Authorization: Bearer <token>"`.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import { AgentStats } from '../ingest/agent-batch';
import { parseCollectdCommands, parseCollectdJson } from '../ingest/collectd';
import { HalfPairer } from '../ingest/pairing';
import { Store } from '../store/store';
import { Clock } from '../store/time';
import { recordAgentBatch } from './agent-ingest';
import { ScopedTokens, agentAuth, hasTokens } from './auth';
import { BulkLimits } from './bulk';
import { HttpError, methodNotAllowed } from './errors';
import { HostLimitListener } from './host-cap';
import { allowQuery } from './query-params';
import { ANY_TYPE, textBody } from './request-body';

const JSON_TYPE = 'application/json';
const COMMAND_TYPE = 'text/plain';

export interface CollectdDeps {
  store: Store;
  clock: Clock;
  limits: BulkLimits;
  tokens: ScopedTokens;
  pairer: HalfPairer;
  stats: AgentStats;
  onHostLimit?: HostLimitListener;
}

export function collectdRoutes(deps: CollectdDeps): Router {
  const { clock, limits, tokens } = deps;
  const router = express.Router();
  const auth = hasTokens(tokens) ? [agentAuth(tokens, { schemes: ['Bearer', 'Basic'] })] : [];
  router
    .route('/collectd')
    .post(...auth, allowQuery(), textBody(ANY_TYPE, limits.maxBytes), (req: Request, res: Response, next: NextFunction) => {
      const nowSec = clock();
      const text: unknown = req.body;
      if (typeof text !== 'string' || text.trim() === '') {
        throw new HttpError(400, 'request body is required: write_http value lists, Format "JSON" or "Command"');
      }
      const hasType = req.headers['content-type'] !== undefined;
      const format = req.is(JSON_TYPE) ? 'json' : !hasType || req.is(COMMAND_TYPE) ? 'command' : undefined;
      if (format === undefined) {
        throw new HttpError(415, `Content-Type must be ${JSON_TYPE} (Format "JSON") or ${COMMAND_TYPE} (Format "Command")`);
      }
      const batch =
        format === 'json' ? parseCollectdJson(text, nowSec, limits.maxSamples) : parseCollectdCommands(text, nowSec, limits.maxSamples);
      recordAgentBatch(batch, nowSec, deps, res, next);
    })
    .all(methodNotAllowed(['POST']));
  return router;
}
