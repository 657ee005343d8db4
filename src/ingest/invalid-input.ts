/*
 * What every parser in ingest/ throws for input it rejects. It knows nothing of HTTP: the
 * HTTP layer (http/errors.ts) answers it with 400 and this message, plus `details` if any.
 */

/** Why one entry of a bulk request was rejected; `index` is 0-based (NDJSON: the line). */
export interface ErrorDetail {
  index: number;
  error: string;
}

export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly details?: readonly ErrorDetail[],
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
