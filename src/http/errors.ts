/*
 * HttpError carries the status a failure should be answered with; errorHandler is the one
 * place that turns any error into the JSON body `{ "error": "..." }`.
 */
import zlib from 'node:zlib';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { TooManyEntriesError } from '../ingest/agent-batch';
import { ErrorDetail, InvalidInputError } from '../ingest/invalid-input';
import { StoreUnavailableError } from '../store/store-errors';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly details?: readonly ErrorDetail[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Shape of the errors body-parser and the router raise (http-errors). */
interface ExposedError {
  status?: number;
  type?: string;
  limit?: number;
  charset?: string;
  encoding?: string;
  expose?: boolean;
  message?: string;
  code?: string; // zlib's, for a body that would not inflate: 'Z_DATA_ERROR', 'ERR__ERROR_FORMAT_PADDING_1', ...
  errno?: number;
}

/** The Content-Encodings body-parser inflates: zstd only where node's zlib has it (22.15+, 23.8+). */
const CONTENT_ENCODINGS: readonly string[] = ['gzip', 'deflate', 'br', ...('createZstdDecompress' in zlib ? ['zstd'] : []), 'identity'];

const CONTENT_ENCODING_LIST = `${CONTENT_ENCODINGS.slice(0, -1).join(', ')} or ${CONTENT_ENCODINGS.at(-1)}`;

/**
 * zlib's error for a body that is not what its Content-Encoding says. body-parser passes it
 * on with status 400 and zlib's own words ("incorrect header check"); it alone has no type.
 */
function isInflateError(err: ExposedError, contentEncoding: string | undefined): boolean {
  return err.type === undefined && typeof err.errno === 'number' && contentEncoding !== undefined && contentEncoding !== 'identity';
}

function formatBytes(bytes: number): string {
  const KIB = 1024;
  const MIB = 1024 * KIB;
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes} bytes`;
}

/** Seconds a client is asked to wait before retrying while the store is unavailable. */
const STORE_RETRY_AFTER_SEC = 1;

/**
 * The store could not confirm: the client learns nothing was accepted and may retry. The
 * reason (which host, which error) is for operators: /healthz shows it, clients do not.
 */
function fromStoreError(err: unknown): HttpError | undefined {
  if (!(err instanceof StoreUnavailableError)) return undefined;
  return new HttpError(503, 'store unavailable', { 'Retry-After': String(STORE_RETRY_AFTER_SEC) });
}

/** Input a parser of ingest/ rejected: a 400 with its message, and the rejected entries of a bulk request; 413 past an entry limit. */
function fromInvalidInput(err: unknown): HttpError | undefined {
  if (err instanceof TooManyEntriesError) return new HttpError(413, err.message);
  if (!(err instanceof InvalidInputError)) return undefined;
  return new HttpError(400, err.message, {}, err.details);
}

/** Rewrites the library errors a client can cause into messages that name the limit or field. */
function fromLibraryError(err: ExposedError, req: Request): HttpError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new HttpError(413, `request body exceeds the ${formatBytes(err.limit ?? 0)} limit`);
    case 'entity.parse.failed':
      return new HttpError(400, 'request body is malformed JSON');
    case 'parameters.too.many':
      return new HttpError(413, 'request body has too many form fields');
    case 'charset.unsupported':
      return new HttpError(415, `charset ${JSON.stringify(err.charset ?? '')} is not supported; use utf-8`);
    case 'encoding.unsupported':
      return new HttpError(415, `Content-Encoding ${JSON.stringify(err.encoding ?? '')} is not supported; use ${CONTENT_ENCODING_LIST}`);
    case 'request.aborted':
      return new HttpError(400, 'request body was aborted before it was complete');
    case 'request.size.invalid':
      return new HttpError(400, 'request body length does not match Content-Length');
  }
  if (err instanceof URIError) return new HttpError(400, 'request path is not valid percent-encoding');
  // body-parser lower-cases the header before choosing a decoder; so does the message.
  const contentEncoding = req.headers['content-encoding']?.toLowerCase();
  if (isInflateError(err, contentEncoding)) return new HttpError(400, `body is not valid ${contentEncoding}`);
  if (err.expose === true && err.status !== undefined && err.status >= 400 && err.status < 500) {
    return new HttpError(err.status, err.message ?? 'bad request');
  }
  return undefined;
}

/** Answers a known path hit with a method it does not serve. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  const allow = [...allowed, 'OPTIONS'].join(', ');
  return (req, res) => {
    res.set('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    res.status(405).json({ error: `method ${req.method} is not allowed here; allowed: ${allow}` });
  };
}

/** What a client is told of `err`; undefined for a bug (a plain 500, logged). Shared by every error renderer. */
export function toHttpError(err: unknown, req: Request): HttpError | undefined {
  if (err instanceof HttpError) return err;
  return fromInvalidInput(err) ?? fromStoreError(err) ?? fromLibraryError((err ?? {}) as ExposedError, req);
}

export type ErrorLogger = (err: unknown) => void;

/** The single error middleware; anything unexpected becomes a plain 500, logged once. */
export function errorHandler(logError: ErrorLogger) {
  // Four parameters, even if unused: that is how express tells an error handler apart.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    // Too late to answer: cut the connection so the client sees a failure, not a short body.
    if (res.headersSent) {
      logError(err);
      res.destroy();
      return;
    }
    const httpError = toHttpError(err, req);
    if (httpError === undefined) {
      logError(err);
      res.status(500).json({ error: 'internal error' });
      return;
    }
    const body = httpError.details === undefined ? { error: httpError.message } : { error: httpError.message, details: httpError.details };
    try {
      res.set(httpError.headers).status(httpError.status).json(body);
    } catch (failure) {
      // Never let express's fallback page answer: it shows a stack trace outside production.
      logError(failure);
      res.status(500).json({ error: 'internal error' });
    }
  };
}
