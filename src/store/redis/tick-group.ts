/*
 * Sends the writes that arrive within one turn of the event loop together. Requests read
 * from many sockets in one poll phase each queue their write here; all are sent in the
 * check phase that follows (setImmediate), one after the other in the same tick, so the
 * client's auto-pipelining puts them in one pipeline per Redis node: one write to each
 * node and one read of the replies, instead of one of each per request. Without it, the
 * client flushes at every process.nextTick, which Node runs between any two socket
 * callbacks, so concurrent requests would each go alone.
 *
 * Each caller still gets its own command's reply, so a POST is answered only once Redis has
 * confirmed its own sample. The wait is one turn of the loop, well under a millisecond.
 */
export class TickGroup {
  private queued: (() => void)[] = [];
  private flushScheduled = false;

  /** Runs `send` together with every other send queued in this turn of the event loop. */
  run<T>(send: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push(() => {
        try {
          send().then(resolve, reject);
        } catch (err) {
          reject(err); // a send that throws before it returns its promise must not stop the others
        }
      });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** How many sends wait for the next flush; for tests. */
  get pending(): number {
    return this.queued.length;
  }

  private flush(): void {
    const sends = this.queued;
    this.queued = [];
    this.flushScheduled = false;
    for (const send of sends) send();
  }
}
