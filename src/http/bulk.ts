/*
 * POST /perf: the body parsers, the limits, and the call to the store. Turning the body into
 * validated entries is ingest/bulk.ts's; the store is called once, after every entry has
 * passed, so a rejected batch changes nothing.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { RawEntries, ndjsonEntries, parseEntries } from '../ingest/bulk';
import { countSamples } from '../metrics/request-metrics';
import { Store } from '../store/store';
import { Clock } from '../store/time';
import { HttpError } from './errors';
import { hasBody, whenDone } from './handler-kit';
import { HostLimitListener, batchOverHostLimit } from './host-cap';
import { jsonBody, textBody } from './request-body';

export interface BulkLimits {
  maxSamples: number; // entries per request
  maxBytes: number; // body size per request
}

export const DEFAULT_BULK_LIMITS: Readonly<BulkLimits> = { maxSamples: 100_000, maxBytes: 10 * 1024 * 1024 };

const JSON_TYPE = 'application/json';
const NDJSON_TYPE = 'application/x-ndjson';

function tooMany(limits: BulkLimits): HttpError {
  return new HttpError(413, `request body exceeds the ${limits.maxSamples}-sample limit`);
}

function rawEntries(req: Request, limits: BulkLimits): RawEntries {
  const body: unknown = req.body;
  if (typeof body === 'string') {
    const raw = ndjsonEntries(body, limits.maxSamples);
    if (raw.values.length > limits.maxSamples) throw tooMany(limits);
    return raw;
  }
  if (Array.isArray(body)) {
    if (body.length > limits.maxSamples) throw tooMany(limits);
    return { values: body };
  }
  if (body !== undefined) throw new HttpError(400, 'a JSON request body must be an array of samples');
  if (hasBody(req)) throw new HttpError(415, `Content-Type must be ${JSON_TYPE} (an array) or ${NDJSON_TYPE}`);
  throw new HttpError(400, 'request body is required: a JSON array or NDJSON lines of samples');
}

interface BulkDeps {
  store: Store;
  clock: Clock;
  limits: BulkLimits;
  onHostLimit?: HostLimitListener;
}

/** Body parsers and handler for POST /perf. */
export function bulkIngest({ store, clock, limits, onHostLimit }: BulkDeps): RequestHandler[] {
  return [
    jsonBody(JSON_TYPE, limits.maxBytes),
    textBody(NDJSON_TYPE, limits.maxBytes),
    (req: Request, res: Response, next: NextFunction) => {
      const nowSec = clock();
      const raw = rawEntries(req, limits);
      countSamples(res, raw.values.length);
      const entries = parseEntries(raw, nowSec);
      whenDone(store.recordBatch(entries, nowSec), next, (outcome) => {
        if (outcome === 'full') {
          onHostLimit?.(nowSec);
          return next(batchOverHostLimit(store.maxHosts));
        }
        res.status(201).json({ accepted: entries.length });
      });
    },
  ];
}
