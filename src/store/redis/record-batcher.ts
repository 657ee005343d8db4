/*
 * Sends the single-sample writes that arrive within one turn of the event loop together.
 * Requests read from many sockets in one poll phase each queue their write here; all go out
 * in the check phase that follows (setImmediate), as few script calls as their hash slots
 * allow (script-calls.ts), in one pipeline per Redis node: one script call and one round
 * trip for many hosts, instead of one of each per request. Without it, the client flushes
 * at every process.nextTick, which Node runs between any two socket callbacks, so
 * concurrent requests would each go alone.
 *
 * Each caller still gets its own host's reply, so a POST is answered only once Redis has
 * confirmed its own sample. The wait is one turn of the loop, well under a millisecond.
 */
import { RedisClient } from './connection';
import { ONLY_IF_KNOWN, RecordWrite, sendRecordCalls } from './script-calls';

interface Pending {
  write: RecordWrite;
  resolve: (reply: number) => void;
  reject: (err: unknown) => void;
}

export class RecordBatcher {
  private queued: Pending[] = [];
  private flushScheduled = false;

  constructor(private readonly client: RedisClient) {}

  /** Writes `write` if its host is live, together with the others of this turn; resolves to its RECORD_REPLY. */
  recordIfKnown(write: RecordWrite): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queued.push({ write, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queued;
    this.queued = [];
    this.flushScheduled = false;
    const replies = sendRecordCalls(
      this.client,
      batch.map((p) => p.write),
      ONLY_IF_KNOWN,
    );
    batch.forEach((p, i) => replies[i].then(p.resolve, p.reject));
  }
}
