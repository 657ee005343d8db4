/*
 * Errors a store raises when it cannot answer, kept apart from express: the HTTP layer
 * maps them to statuses (src/http/errors.ts), the store only says what went wrong.
 */

/** The backing store (Redis) is unreachable, too slow, or refusing writes; nothing was confirmed. */
export class StoreUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`store unavailable: ${reason}`);
    this.name = 'StoreUnavailableError';
  }
}
