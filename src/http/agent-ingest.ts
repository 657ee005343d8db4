/*
 * The step every agent route shares once its body is parsed: pair the halves (pairing.ts),
 * record the complete samples in one recordBatch, answer 204. If the store refuses (the
 * host cap, or Redis away), the halves are put back as they were and the client gets the
 * error, so a retry of the same body counts nothing twice.
 *
 * 204 means every entry was accepted: the samples it completed are recorded, and a half
 * still waiting for its partner is held in this process and recorded with it (pairing.ts
 * says how long it waits, and what happens if none comes).
 */
import { NextFunction, Response } from 'express';
import { AgentBatch, AgentStats, IGNORED_REASONS } from '../ingest/agent-batch';
import { HalfPairer } from '../ingest/pairing';
import { RecordOutcome, Store, isPromise } from '../store/store';
import { HostLimitListener, batchOverHostLimit } from './host-cap';

export interface AgentIngestDeps {
  store: Store;
  pairer: HalfPairer;
  stats: AgentStats;
  onHostLimit?: HostLimitListener;
}

export function recordAgentBatch(batch: AgentBatch, nowSec: number, deps: AgentIngestDeps, res: Response, next: NextFunction): void {
  const { store, pairer, stats, onHostLimit } = deps;
  const pairing = pairer.pair(batch.halves, nowSec);
  const accepted = (): void => {
    for (const reason of IGNORED_REASONS) stats.ignored[reason] += batch.ignored[reason];
    stats.samples += pairing.samples.length;
    res.status(204).end();
  };
  if (pairing.samples.length === 0) return accepted();
  const answer = (outcome: RecordOutcome): void => {
    if (outcome === 'full') {
      pairing.undo();
      onHostLimit?.(nowSec);
      return next(batchOverHostLimit(store.maxHosts));
    }
    accepted();
  };
  let outcome;
  try {
    outcome = store.recordBatch(pairing.samples, nowSec);
  } catch (err) {
    pairing.undo();
    throw err;
  }
  if (!isPromise(outcome)) return answer(outcome);
  outcome.then(answer, (err: unknown) => {
    pairing.undo();
    next(err);
  });
}
