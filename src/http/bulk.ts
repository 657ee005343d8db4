/*
 * POST /perf: many samples of many hosts in one request, as a JSON array or as NDJSON (one
 * object per line). Every entry goes through the same parseHost/parseSample as a single
 * sample, and the store is called once, after every entry has passed, so a rejected batch
 * changes nothing.
 */
import bodyParser from 'body-parser';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { HostSample, Store } from '../store/store';
import { Clock } from '../store/time';
import { ErrorDetail, HttpError } from './errors';
import { hasBody, whenDone } from './handler-kit';
import { HostLimitListener, batchOverHostLimit } from './host-cap';
import { countSamples } from './request-metrics';
import { showValue } from './show-value';
import { isFields, parseHost, parseSample } from './validate';

export interface BulkLimits {
  maxSamples: number; // entries per request
  maxBytes: number; // body size per request
}

export const DEFAULT_BULK_LIMITS: Readonly<BulkLimits> = { maxSamples: 100_000, maxBytes: 10 * 1024 * 1024 };

/** Rejected entries listed in a 400; the message still counts all of them. */
export const MAX_ERROR_DETAILS = 20;

const JSON_TYPE = 'application/json';
const NDJSON_TYPE = 'application/x-ndjson';
const LINE_FEED = '\n';
const CARRIAGE_RETURN = 13;

/** Entries as parsed, before validation; `lines[i]` is the wire index of `values[i]` (NDJSON). */
interface RawEntries {
  values: unknown[];
  lines?: number[];
}

/** Stands in for an NDJSON line that is not JSON at all. */
const MALFORMED_LINE = Symbol('malformed line');

function tooMany(limits: BulkLimits): HttpError {
  return new HttpError(413, `request body exceeds the ${limits.maxSamples}-sample limit`);
}

/** NDJSON lines as entries. Empty lines (and a final newline) are skipped but still counted. */
function ndjsonEntries(text: string, limits: BulkLimits): RawEntries {
  const values: unknown[] = [];
  const lines: number[] = [];
  let lineStart = 0;
  for (let line = 0; lineStart <= text.length; line++) {
    let lineEnd = text.indexOf(LINE_FEED, lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === CARRIAGE_RETURN ? lineEnd - 1 : lineEnd;
    if (contentEnd > lineStart) {
      if (values.length === limits.maxSamples) throw tooMany(limits);
      values.push(parseLine(text.slice(lineStart, contentEnd)));
      lines.push(line);
    }
    lineStart = lineEnd + 1;
  }
  return { values, lines };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return MALFORMED_LINE;
  }
}

function rawEntries(req: Request, limits: BulkLimits): RawEntries {
  const body: unknown = req.body;
  if (typeof body === 'string') return ndjsonEntries(body, limits);
  if (Array.isArray(body)) {
    if (body.length > limits.maxSamples) throw tooMany(limits);
    return { values: body };
  }
  if (body !== undefined) throw new HttpError(400, 'a JSON request body must be an array of samples');
  if (hasBody(req)) throw new HttpError(415, `Content-Type must be ${JSON_TYPE} (an array) or ${NDJSON_TYPE}`);
  throw new HttpError(400, 'request body is required: a JSON array or NDJSON lines of samples');
}

/** The same checks as POST /perf/:host, plus the host, which a bulk entry carries itself. */
function parseEntry(value: unknown, nowSec: number): HostSample {
  if (value === MALFORMED_LINE) throw new HttpError(400, 'line is not valid JSON');
  if (!isFields(value)) throw new HttpError(400, `entry must be a JSON object with host, cpuload and memload, got ${showValue(value)}`);
  if (value.host === undefined) throw new HttpError(400, 'host is required');
  return { host: parseHost(value.host), sample: parseSample(value, nowSec) };
}

/** Validates every entry; throws one 400 listing the first MAX_ERROR_DETAILS rejections. */
function parseEntries({ values, lines }: RawEntries, nowSec: number): HostSample[] {
  const accepted: HostSample[] = new Array(values.length);
  const details: ErrorDetail[] = [];
  let rejected = 0;
  for (let i = 0; i < values.length; i++) {
    try {
      accepted[i] = parseEntry(values[i], nowSec);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      rejected++;
      if (details.length < MAX_ERROR_DETAILS) details.push({ index: lines === undefined ? i : lines[i], error: err.message });
    }
  }
  if (rejected > 0) {
    const listed = rejected > MAX_ERROR_DETAILS ? ` (the first ${MAX_ERROR_DETAILS} are listed)` : '';
    throw new HttpError(400, `${rejected} of ${values.length} samples are invalid${listed}; none was recorded`, {}, details);
  }
  return accepted;
}

export interface BulkDeps {
  store: Store;
  clock: Clock;
  limits: BulkLimits;
  onHostLimit?: HostLimitListener;
}

/** Body parsers and handler for POST /perf. */
export function bulkIngest({ store, clock, limits, onHostLimit }: BulkDeps): RequestHandler[] {
  return [
    bodyParser.json({ type: JSON_TYPE, limit: limits.maxBytes }),
    bodyParser.text({ type: NDJSON_TYPE, limit: limits.maxBytes }),
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
