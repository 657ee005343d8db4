/*
 * What a parser's rejection becomes on the wire: ingest/ throws InvalidInputError, which
 * http/errors.ts answers with 400 and its message; http/ parsers throw HttpError with their
 * own status. Tests of either kind of parser assert on this pair.
 */
import { HttpError } from '../../src/http/errors';
import { InvalidInputError } from '../../src/ingest/invalid-input';

export function errorOf(run: () => unknown): { status: number; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof InvalidInputError) return { status: 400, message: err.message };
    if (err instanceof HttpError) return { status: err.status, message: err.message };
    throw err;
  }
  throw new Error('expected the input to be rejected');
}
