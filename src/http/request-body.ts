/*
 * Reading a request body, written once for every ingest route (bulk JSON and NDJSON,
 * InfluxDB line protocol, collectd): body-parser reads it up to the byte limit and inflates
 * it by its Content-Encoding (gzip, Telegraf's default; deflate; br), so the limit applies
 * to the inflated size. Its errors are rewritten in errors.ts to name the limit.
 */
import bodyParser from 'body-parser';
import { IncomingMessage } from 'node:http';
import { RequestHandler } from 'express';

type TypeMatch = string | ((req: IncomingMessage) => boolean);

/** Any Content-Type, or none: InfluxDB's write endpoints read the body whatever it is labelled. */
export const ANY_TYPE: TypeMatch = () => true;

/** Sets req.body to the body's text (utf-8 unless the Content-Type names a charset) when its type matches. */
export function textBody(type: TypeMatch, maxBytes: number): RequestHandler {
  return bodyParser.text({ type, limit: maxBytes });
}

/** Sets req.body to the parsed JSON when its type matches; malformed JSON is a 400. */
export function jsonBody(type: TypeMatch, maxBytes: number): RequestHandler {
  return bodyParser.json({ type, limit: maxBytes });
}

/** Sets req.body to the fields of an application/x-www-form-urlencoded body. */
export function formBody(maxBytes: number): RequestHandler {
  return bodyParser.urlencoded({ extended: false, limit: maxBytes });
}
