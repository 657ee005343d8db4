/*
 * The InfluxDB endpoints Telegraf (and any InfluxDB client) writes to:
 *
 *   POST /write          1.x: ?precision= db rp consistency u p  (all but precision and p ignored)
 *   POST /api/v2/write   2.x: ?precision= org orgID bucket       (all but precision ignored)
 *   GET|HEAD /ping       204, as InfluxDB answers it
 *   POST /query          only `CREATE DATABASE "<name>"`, which Telegraf's influxdb output
 *                        sends at start: InfluxDB's success body; any other query is a 400
 *
 * Errors take InfluxDB's shape, {"code": "invalid", "message": "line 3: ..."}, so Telegraf
 * logs them as it would InfluxDB's: it drops a batch on a 4xx and retries it on a 5xx.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import { AgentStats } from '../ingest/agent-batch';
import { Precision, isPrecision, parseLineProtocol } from '../ingest/line-protocol';
import { HalfPairer } from '../ingest/pairing';
import { showValue } from '../ingest/show-value';
import { Store } from '../store/store';
import { Clock } from '../store/time';
import { recordAgentBatch } from './agent-ingest';
import { ScopedTokens, agentAuth, hasTokens } from './auth';
import { BulkLimits } from './bulk';
import { ErrorLogger, HttpError, methodNotAllowed, toHttpError } from './errors';
import { HostLimitListener } from './host-cap';
import { allowQuery } from './query-params';
import { ANY_TYPE, formBody, textBody } from './request-body';

/** The query parameters each endpoint reads; InfluxDB clients send them, most are ignored. */
const V1_WRITE_QUERY = ['db', 'rp', 'precision', 'consistency', 'u', 'p'];
const V2_WRITE_QUERY = ['org', 'orgID', 'bucket', 'precision'];
const QUERY_QUERY = ['q', 'db', 'u', 'p'];

/** A /query body is one short statement. */
const QUERY_BODY_LIMIT_BYTES = 16 * 1024;

// `CREATE DATABASE name` or `"quoted name"`, keywords in any case, an optional final ';'.
const CREATE_DATABASE = /^\s*CREATE\s+DATABASE\s+(?:"(?:[^"\\]|\\.)+"|[A-Za-z_][A-Za-z0-9_]*)\s*;?\s*$/i;

/** InfluxDB's error codes, by status. */
const INFLUX_CODES: Readonly<Record<number, string>> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  413: 'request too large',
  415: 'unsupported media type',
  503: 'unavailable',
};

export interface InfluxDeps {
  store: Store;
  clock: Clock;
  limits: BulkLimits;
  tokens: ScopedTokens;
  pairer: HalfPairer;
  stats: AgentStats;
  onHostLimit?: HostLimitListener;
  logError: ErrorLogger;
}

function parsePrecision(raw: unknown): Precision {
  if (raw === undefined) return 'ns';
  if (isPrecision(raw)) return raw;
  throw new HttpError(400, `precision must be one of ns, u, ms, s, got ${showValue(raw)}`);
}

/** Renders every error of these routes as InfluxDB does: {"code": ..., "message": ...}. */
function influxErrors(logError: ErrorLogger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const httpError = toHttpError(err, req);
    if (httpError === undefined) {
      logError(err);
      res.status(500).json({ code: 'internal error', message: 'internal error' });
      return;
    }
    res
      .set(httpError.headers)
      .status(httpError.status)
      .json({ code: INFLUX_CODES[httpError.status] ?? 'invalid', message: httpError.message });
  };
}

export function influxRoutes(deps: InfluxDeps): Router {
  const { clock, limits, tokens, logError } = deps;
  const router = express.Router();
  const open = !hasTokens(tokens);
  const v1Auth = open ? [] : [agentAuth(tokens, { schemes: ['Token', 'Bearer', 'Basic'], queryParam: 'p' })];
  const v2Auth = open ? [] : [agentAuth(tokens, { schemes: ['Token', 'Bearer', 'Basic'] })];
  const readBody = textBody(ANY_TYPE, limits.maxBytes);

  const write = (req: Request, res: Response, next: NextFunction): void => {
    const nowSec = clock();
    const precision = parsePrecision(req.query.precision);
    const text: unknown = req.body;
    if (typeof text !== 'string' || text.trim() === '') {
      throw new HttpError(400, 'writing requires points: the body must hold InfluxDB line protocol, one point per line');
    }
    recordAgentBatch(parseLineProtocol(text, precision, nowSec, limits.maxSamples), nowSec, deps, res, next);
  };

  router
    .route('/write')
    .post(...v1Auth, allowQuery(...V1_WRITE_QUERY), readBody, write)
    .all(methodNotAllowed(['POST']));
  router
    .route('/api/v2/write')
    .post(...v2Auth, allowQuery(...V2_WRITE_QUERY), readBody, write)
    .all(methodNotAllowed(['POST']));
  router
    .route('/ping')
    .get(allowQuery(), (_req: Request, res: Response) => {
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  router
    .route('/query')
    .post(...v1Auth, allowQuery(...QUERY_QUERY), formBody(QUERY_BODY_LIMIT_BYTES), (req: Request, res: Response) => {
      const fromBody: unknown = (req.body as Record<string, unknown> | undefined)?.q;
      const q = fromBody ?? req.query.q;
      if (typeof q !== 'string' || q === '') throw new HttpError(400, 'q is required: the statement to run, as a form field');
      if (!CREATE_DATABASE.test(q)) {
        throw new HttpError(
          400,
          `only CREATE DATABASE is supported (ServerTrack keeps no databases; it is accepted so Telegraf starts), got ${showValue(q)}`,
        );
      }
      res.json({ results: [{ statement_id: 0 }] });
    })
    .all(methodNotAllowed(['POST']));
  router.use(influxErrors(logError));
  return router;
}
