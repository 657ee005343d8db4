/*
 * Checks a real response against openapi.yaml: the path fits a documented template, the
 * method has an operation there, the status is one the operation documents, and the body
 * (and documented headers) match their schemas. Schemas are compiled by Ajv in its
 * JSON Schema 2020-12 dialect, which is the dialect of OpenAPI 3.1 schema objects.
 *
 * What OpenAPI cannot state per operation is checked against named shared responses:
 * a method a path does not serve gets MethodNotAllowed (405), OPTIONS gets 204 with Allow
 * (or, for a CORS preflight, 204 with Access-Control-Allow-Methods),
 * a path no template fits gets NotFound (404), and any /perf, /fleet or /metrics request may be
 * refused with Unauthorized (401) or Forbidden (403, a token outside its scope) before routing.
 */
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OpenApiDocument, openApiDocument } from '../../src/http/openapi';
import { matchTemplate } from '../../src/metrics/route-template';

const DOCUMENT_ID = 'servertrack-openapi';
const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export interface ObservedResponse {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON for JSON bodies, the text otherwise ('' when empty). */
  body: unknown;
  text: string;
}

interface ResponseObject {
  $ref?: string;
  content?: Record<string, unknown>;
  headers?: Record<string, { $ref?: string }>;
}

interface Operation {
  responses: Record<string, ResponseObject>;
}

/** '{host}' → ':host', the syntax matchTemplate and express share. */
function toRouteTemplate(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

function pointerSegment(text: string): string {
  return text.replace(/~/g, '~0').replace(/\//g, '~1');
}

export class OpenApiContract {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { route: string; openApiPath: string }[];

  constructor(private readonly document: OpenApiDocument = openApiDocument()) {
    addFormats(this.ajv);
    // The document's own top-level fields are not schema keywords; declared so strict mode
    // accepts the document as the root that response schemas are resolved in.
    this.ajv.addVocabulary([
      'x-static-files',
      'openapi',
      'info',
      'jsonSchemaDialect',
      'servers',
      'paths',
      'webhooks',
      'components',
      'security',
      'tags',
      'externalDocs',
    ]);
    // The whole document is added once; each response schema is compiled on first use by a
    // $ref into it, so $refs to #/components/schemas resolve inside the document.
    this.ajv.addSchema(document, DOCUMENT_ID);
    this.templates = Object.keys(document.paths).map((openApiPath) => ({ route: toRouteTemplate(openApiPath), openApiPath }));
  }

  /** Every documented (path, method, status), as 'GET /perf 200'. */
  documentedResponses(): string[] {
    const all: string[] = [];
    for (const { openApiPath } of this.templates) {
      for (const [method, operation] of this.operations(openApiPath)) {
        for (const status of Object.keys(operation.responses)) all.push(`${method.toUpperCase()} ${openApiPath} ${status}`);
      }
    }
    return all;
  }

  /** Throws an Error saying what does not conform; returns the documented key ('GET /perf 200') when it does. */
  check(response: ObservedResponse): string {
    const where = `${response.method} ${response.path} → ${response.status}`;
    const route = matchTemplate(
      this.templates.map((t) => t.route),
      response.path,
    );
    const shared = (name: string): string => {
      // A HEAD answer has the headers of the GET one, and no body.
      const headOnly = response.method === 'HEAD';
      this.checkResponse(`#/components/responses/${name}`, this.resolve(`#/components/responses/${name}`), response, where, headOnly);
      return name;
    };
    const refusedBeforeRouting =
      (response.status === 401 || response.status === 403) && /^\/(perf|fleet|metrics)(\/|$)/i.test(response.path);
    if (refusedBeforeRouting) return shared(response.status === 401 ? 'Unauthorized' : 'Forbidden');
    if (route === undefined) {
      if (this.isStaticFile(response)) return 'static file';
      if (response.status !== 404) throw new Error(`${where}: no documented path fits, so only 404 is expected`);
      return shared('NotFound');
    }
    const openApiPath = this.templates.find((t) => t.route === route)?.openApiPath as string;
    const operations = new Map(this.operations(openApiPath));
    const method = response.method.toLowerCase();
    // A CORS preflight (SERVERTRACK_CORS_ORIGINS set) is answered by the cors middleware, not the route.
    if (method === 'options' && response.status === 204 && response.headers['access-control-allow-methods'] !== undefined)
      return 'CORS preflight';
    if (method === 'options' && !operations.has('options')) {
      if (response.status !== 204 || typeof response.headers.allow !== 'string')
        throw new Error(`${where}: OPTIONS must answer 204 with Allow`);
      return 'OPTIONS';
    }
    // HEAD is answered by the GET handler, without a body.
    const operation = operations.get(method === 'head' ? 'get' : method);
    if (operation === undefined) {
      if (response.status !== 405) throw new Error(`${where}: ${openApiPath} documents no ${response.method}, so only 405 is expected`);
      return shared('MethodNotAllowed');
    }
    const key = `${response.method} ${openApiPath} ${response.status}`;
    const documented = operation.responses[String(response.status)];
    if (documented === undefined) {
      throw new Error(`${where}: status ${response.status} is not documented for ${response.method.toUpperCase()} ${openApiPath}`);
    }
    const pointer = `#/paths/${pointerSegment(openApiPath)}/${method === 'head' ? 'get' : method}/responses/${response.status}`;
    const resolved = documented.$ref === undefined ? { pointer, object: documented } : this.resolve(documented.$ref);
    this.checkResponse(resolved.pointer, resolved, response, where, method === 'head');
    return key;
  }

  /** A 200 for one of the dashboard's files, which the document lists by prefix in x-static-files. */
  private isStaticFile(response: ObservedResponse): boolean {
    const prefixes = (this.document['x-static-files'] as { prefixes?: string[] } | undefined)?.prefixes ?? [];
    return (
      (response.method === 'GET' || response.method === 'HEAD') &&
      response.status === 200 &&
      typeof response.headers['content-type'] === 'string' &&
      prefixes.some((prefix) => response.path.startsWith(prefix))
    );
  }

  private operations(openApiPath: string): [string, Operation][] {
    const item = this.document.paths[openApiPath] as Record<string, Operation>;
    return OPERATION_METHODS.filter((m) => item[m] !== undefined).map((m) => [m, item[m]]);
  }

  /** A local $ref of the OpenAPI document (a Reference Object, not a schema $ref). */
  private resolve(ref: string): { pointer: string; object: ResponseObject } {
    let node: unknown = this.document;
    for (const segment of ref.replace(/^#\//, '').split('/')) {
      node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (node === undefined) throw new Error(`openapi.yaml: dangling $ref ${ref}`);
    }
    return { pointer: ref, object: node as ResponseObject };
  }

  private checkResponse(
    pointer: string,
    { object }: { object: ResponseObject },
    response: ObservedResponse,
    where: string,
    headOnly = false,
  ): void {
    for (const [name, header] of Object.entries(object.headers ?? {})) {
      const value = response.headers[name.toLowerCase()];
      // Headers are checked as always sent unless the document says `required: false` (Link, only while more pages follow).
      const optional = (header as { required?: boolean }).required === false;
      if (value === undefined && optional) continue;
      if (value === undefined) throw new Error(`${where}: documented header ${name} is missing`);
      const headerPointer = header.$ref ?? `${pointer}/headers/${pointerSegment(name)}`;
      this.assertValid(`${headerPointer}/schema`, value, `${where}: header ${name}`);
    }
    const content = object.content;
    const contentType = response.headers['content-type'];
    if (content === undefined) {
      if (response.text !== '' || contentType !== undefined) throw new Error(`${where}: no body is documented, got ${String(contentType)}`);
      return;
    }
    const mediaType = Object.keys(content).find((type) => typeof contentType === 'string' && this.sameMediaType(type, contentType));
    if (mediaType === undefined)
      throw new Error(`${where}: Content-Type ${String(contentType)} is not one of ${Object.keys(content).join(', ')}`);
    if (headOnly) return;
    const body = mediaType === 'application/json' ? response.body : response.text;
    this.assertValid(`${pointer}/content/${pointerSegment(mediaType)}/schema`, body, `${where}: body`);
  }

  /** 'application/json' fits 'application/json; charset=utf-8'; a documented parameter must be there too. */
  private sameMediaType(documented: string, actual: string): boolean {
    const normalise = (type: string): string[] => type.split(';').map((part) => part.trim().toLowerCase());
    const [documentedBase, ...documentedParams] = normalise(documented);
    const [actualBase, ...actualParams] = normalise(actual);
    return documentedBase === actualBase && documentedParams.every((param) => actualParams.includes(param));
  }

  private assertValid(schemaPointer: string, value: unknown, what: string): void {
    let validate = this.validators.get(schemaPointer);
    if (validate === undefined) {
      // A $ref is a URI: each pointer segment is percent-encoded ('{host}', 'text/plain; ...').
      const fragment = schemaPointer.slice(1).split('/').map(encodeURIComponent).join('/');
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#${fragment}` });
      this.validators.set(schemaPointer, validate);
    }
    if (!validate(value)) {
      throw new Error(`${what} does not match ${schemaPointer}: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
    }
  }
}
