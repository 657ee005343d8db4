/*
 * JSON answers over 1 KiB are gzip-compressed (or deflate, br as compression negotiates) when
 * the client accepts it: a GET /perf page of 1,000 hosts is about 100 KB of JSON and
 * compresses about tenfold. Only JSON: /metrics/hosts sends tens of MB of text at 100,000
 * hosts, which gzip would more than double the CPU of, for a scraper on the same network
 * (docs/prometheus.md); static files are few and cached. Only reads: a write's answer is a 201 without a body or a short error, so
 * running the check for it would be work for nothing. The sample POST never gets here at
 * all: its fast route (sample-fast-route.ts) is registered before this layer.
 */
import { Request, RequestHandler, Response } from 'express';
import compression from 'compression';

/** Bodies up to this size go as they are: below it, the gzip header and the CPU are not worth the bytes saved. */
export const UNCOMPRESSED_MAX_BYTES = 1024;

function isJson(contentType: unknown): boolean {
  return typeof contentType === 'string' && /^application\/json\s*(;|$)/i.test(contentType);
}

export function responseCompression(): RequestHandler {
  return compression({
    // compression leaves alone bodies under its threshold: "over 1 KiB" is 1,025 bytes and more.
    threshold: UNCOMPRESSED_MAX_BYTES + 1,
    filter: (req: Request, res: Response) =>
      (req.method === 'GET' || req.method === 'HEAD') && isJson(res.getHeader('Content-Type')) && compression.filter(req, res),
  });
}
