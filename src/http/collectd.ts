/*
 * POST /collectd: what collectd's write_http plugin sends, in either of its formats, told
 * apart by Content-Type: application/json (Format "JSON") or text/plain (Format "Command",
 * also taken without a type). Auth, when tokens are set: write_http's User and Password
 * (Basic, the token as the password) or a `Header "Authorization: Bearer <token>"`.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import { AgentBatch, AgentStats } from '../ingest/agent-batch';
import { parseCollectdCommands, parseCollectdJson } from '../ingest/collectd';
import { scanCollectdJson } from '../ingest/collectd-json-scan';
import { HalfPairer } from '../ingest/pairing';
import { Store } from '../store/store';
import { Clock } from '../store/time';
import { recordAgentBatch } from './agent-ingest';
import { ScopedTokens, agentAuth, hasTokens } from './auth';
import { BulkLimits } from './bulk';
import { HttpError, methodNotAllowed } from './errors';
import { HostLimitListener } from './host-cap';
import { plainLength, readPlainBody } from './plain-body';
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

/** How a fallback reads the bytes of a lean JSON body: as body-parser's utf-8 would (a BOM dropped, bad bytes as U+FFFD). */
const UTF8 = new TextDecoder('utf-8');

export function collectdRoutes(deps: CollectdDeps): Router {
  const { clock, limits, tokens } = deps;
  const router = express.Router();
  const auth = hasTokens(tokens) ? [agentAuth(tokens, { schemes: ['Bearer', 'Basic'] })] : [];
  const readText = textBody(ANY_TYPE, limits.maxBytes);

  const textBatch = (req: Request, text: unknown, nowSec: number): AgentBatch => {
    if (typeof text !== 'string' || text.trim() === '') {
      throw new HttpError(400, 'request body is required: write_http value lists, Format "JSON" or "Command"');
    }
    const hasType = req.headers['content-type'] !== undefined;
    const format = req.is(JSON_TYPE) ? 'json' : !hasType || req.is(COMMAND_TYPE) ? 'command' : undefined;
    if (format === undefined) {
      throw new HttpError(415, `Content-Type must be ${JSON_TYPE} (Format "JSON") or ${COMMAND_TYPE} (Format "Command")`);
    }
    return format === 'json' ? parseCollectdJson(text, nowSec, limits.maxSamples) : parseCollectdCommands(text, nowSec, limits.maxSamples);
  };

  /**
   * What write_http sends (a bare application/json of known length) is read by hand and
   * scanned as bytes (ingest/collectd-json-scan.ts); the scanner hands anything it is not
   * sure of to the text path, so both answer every body alike.
   */
  const leanJson = (req: Request, res: Response, next: NextFunction): void => {
    readPlainBody(req, (err, bytes) => {
      if (err !== undefined) return next(err);
      try {
        const nowSec = clock();
        const batch = scanCollectdJson(bytes, nowSec, limits.maxSamples) ?? textBatch(req, UTF8.decode(bytes), nowSec);
        recordAgentBatch(batch, nowSec, deps, res, next);
      } catch (parseError) {
        next(parseError);
      }
    });
  };

  router
    .route('/collectd')
    .post(...auth, allowQuery(), (req: Request, res: Response, next: NextFunction) => {
      const length = plainLength(req, JSON_TYPE);
      if (length > 0 && length <= limits.maxBytes) return leanJson(req, res, next);
      readText(req, res, (err?: unknown) => {
        if (err !== undefined) return next(err);
        try {
          const nowSec = clock();
          recordAgentBatch(textBatch(req, req.body, nowSec), nowSec, deps, res, next);
        } catch (parseError) {
          next(parseError);
        }
      });
    })
    .all(methodNotAllowed(['POST']));
  return router;
}
