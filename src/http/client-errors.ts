/*
 * A JSON answer for requests node rejects before express sees them: malformed, headers over
 * 16 KiB, or too slow for the server timeouts.
 */
import { ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { ServerTimeouts } from './server-timeouts';

/** node's own header limit (--max-http-header-size), named in the 431 message. */
const MAX_HEADER_KIB = 16;

interface ClientErrorAnswer {
  status: number;
  reason: string;
  message: string;
}

function answerFor(code: string | undefined, timeouts: ServerTimeouts): ClientErrorAnswer {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', message: `request headers exceed the ${MAX_HEADER_KIB} KiB limit` };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        message: `request too slow: headers must arrive within ${timeouts.headersTimeoutSec} s and the whole request within ${timeouts.requestTimeoutSec} s`,
      };
    default:
      return { status: 400, reason: 'Bad Request', message: 'malformed HTTP request' };
  }
}

/**
 * Replaces node's bare "400 Bad Request" (no body) with the JSON every other error gets.
 * The parser's own message is left out on purpose: it quotes the offending bytes.
 */
export function clientErrorHandler(timeouts: ServerTimeouts): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  return (err, socket) => {
    // A response already under way cannot be replaced; a reset socket has nobody to answer.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const { status, reason, message } = answerFor(err.code, timeouts);
    const body = JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}
