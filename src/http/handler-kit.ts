/*
 * Small steps every /perf handler shares: waiting on a store that may or may not answer
 * with a promise, and telling an absent body from one in a type nobody parsed.
 */
import { NextFunction, Request } from 'express';
import { MaybePromise, isPromise } from '../store/store';

/** Runs `then` on the store's answer without paying for a promise when there is none. */
export function whenDone<T>(value: MaybePromise<T>, next: NextFunction, then: (result: T) => void): void {
  if (isPromise(value)) value.then(then, next);
  else then(value);
}

/** A body exists when it is chunked or has a non-zero Content-Length. */
export function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
