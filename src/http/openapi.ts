/*
 * The API description: openapi.yaml at the repository root (written by hand, next to the
 * README), parsed once per process with the `yaml` library and served as JSON at
 * GET /openapi.json. A broken document stops start-up rather than the first request.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RequestHandler } from 'express';
import { parse } from 'yaml';

/** Same relative place from src/http (tests, ts-node) and dist/http (npm start). */
export const OPENAPI_PATH = path.join(__dirname, '..', '..', 'openapi.yaml');

export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, unknown> };

let cached: { document: OpenApiDocument; json: string } | undefined;

function load(): { document: OpenApiDocument; json: string } {
  if (cached === undefined) {
    const document = parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;
    if (typeof document?.openapi !== 'string' || typeof document.paths !== 'object') {
      throw new Error(`${OPENAPI_PATH} is not an OpenAPI document (no openapi version or paths)`);
    }
    cached = { document, json: JSON.stringify(document) };
  }
  return cached;
}

/** The parsed document; read and parsed on the first call only. */
export function openApiDocument(): OpenApiDocument {
  return load().document;
}

/** GET /openapi.json: the document, serialised once. */
export function openApiHandler(): RequestHandler {
  const { json } = load();
  return (_req, res) => {
    res.type('application/json').send(json);
  };
}
