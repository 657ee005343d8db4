/*
 * security-headers: what the security headers cost per response, in process, on a real
 * ServerResponse. securityHeaders() (helmet's headers, read once, set by one loop) against
 * helmet() as it comes and against a baseline of the three headers every JSON answer sets
 * anyway (Content-Type, Content-Length, ETag), alternated in the same rounds.
 */
import http from 'node:http';
import net from 'node:net';
import helmet from 'helmet';
import { SERVER_CORE, pinSelf } from './lib/cores';
import { describeMachine, log, printCommand, printTable } from './lib/report';
import { ROUNDS } from './lib/rounds';
import { formatNumber, formatRatio } from './lib/stats';
import { alternate } from './lib/timing';
import { securityHeaders } from '../src/http/security-headers';

const ITERATIONS = 100_000;
// Short rounds, many of them: on a shared machine a burst of noise then spoils one round, not a side.
const HEADER_ROUNDS = 4 * ROUNDS;

function main(): void {
  pinSelf(SERVER_CORE);
  const req = new http.IncomingMessage(new net.Socket());
  const res = new http.ServerResponse(req);
  const ours = securityHeaders();
  const plain = helmet();
  const next = (): void => undefined;
  const contenders = [
    () => {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', '15');
      res.setHeader('ETag', 'W/"f-VaSQ4oDUiZblZNAEkkN+sX+q3Sg"');
    },
    () => ours(req as never, res as never, next),
    () => plain(req as never, res as never, next),
  ];
  log(`security-headers: ${HEADER_ROUNDS} rounds (+1 warm-up) of ${formatNumber(ITERATIONS)} responses per contender`);
  const result = alternate(HEADER_ROUNDS, ITERATIONS, contenders);
  const names = ['baseline: 3 headers of a JSON answer', 'securityHeaders() (12 headers, one loop)', 'helmet() as it comes'];
  const rows = names.map((name, k) => [
    name,
    formatNumber(result.nsPerOp[k]),
    k === 0 ? '1.00x (baseline)' : formatRatio(result.ratioToFirst[k]),
  ]);
  printTable(
    `security-headers: CPU time per response (median of ${HEADER_ROUNDS} rounds)`,
    ['contender', 'ns per response', 'vs baseline'],
    rows,
  );
  console.log(`machine: ${describeMachine()}`);
  printCommand('npm run bench:security-headers');
}

main();
