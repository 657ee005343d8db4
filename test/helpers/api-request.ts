/*
 * supertest's request(app), but every response is also checked against openapi.yaml (see
 * openapi-contract.ts): an undocumented status or a body off its schema fails the test.
 * API tests import this instead of supertest, so the document is held to what the app does.
 */
import { Express } from 'express';
import supertest from 'supertest';
import { OpenApiContract } from './openapi-contract';

let contract: OpenApiContract | undefined;

/** The shared contract, built on first use (compiling schemas once per test file). */
export function openApiContract(): OpenApiContract {
  contract ??= new OpenApiContract();
  return contract;
}

interface SentRequest {
  method: string;
  path: string;
}

function conformsToOpenApi(res: supertest.Response): void {
  const sent = (res as unknown as { req: SentRequest }).req;
  const queryAt = sent.path.indexOf('?');
  openApiContract().check({
    method: sent.method,
    path: queryAt === -1 ? sent.path : sent.path.slice(0, queryAt),
    status: res.status,
    headers: res.headers as Record<string, string | string[] | undefined>,
    body: res.body,
    text: res.text ?? '',
  });
}

type Agent = ReturnType<typeof supertest>;

/** Same API as supertest's default export. */
export default function request(app: Express): Agent {
  const agent = supertest(app);
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        // Method calls (get, post, ...) return a Test: attach the check to it.
        if (result instanceof supertest.Test) result.expect(conformsToOpenApi);
        return result;
      };
    },
  });
}
