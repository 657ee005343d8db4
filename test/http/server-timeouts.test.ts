/*
 * The node:http defences of the real server (startServer), driven over raw sockets: slow
 * or silent clients are cut off, and requests node rejects itself still get JSON errors.
 * Timeouts here are fractions of a second so the suite stays fast; the defaults are in
 * config.ts.
 */
import net from 'node:net';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { RunningServer, startServer } from '../../src/server';

const HEADERS_TIMEOUT_SEC = 0.4;
const REQUEST_TIMEOUT_SEC = 0.8;
const KEEP_ALIVE_TIMEOUT_SEC = 0.3;
const TRICKLE_INTERVAL_MS = 50;

interface Exchange {
  /** Everything the server sent, once it has closed the connection. */
  closed: Promise<string>;
  socket: net.Socket;
}

function connect(port: number): Promise<Exchange> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Writes one byte of `text` every TRICKLE_INTERVAL_MS until the socket closes or the text runs out. */
function trickle(socket: net.Socket, text: string): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]);
  }, TRICKLE_INTERVAL_MS);
}

function jsonResponse(status: string, body: object): string {
  const json = JSON.stringify(body);
  return (
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n` +
    `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`
  );
}

const TOO_SLOW = jsonResponse('408 Request Timeout', {
  error: `request too slow: headers must arrive within ${HEADERS_TIMEOUT_SEC} s and the whole request within ${REQUEST_TIMEOUT_SEC} s`,
});

describe('the server with slow and malformed clients', () => {
  let running: RunningServer;

  beforeAll(async () => {
    const config = {
      ...loadConfig({ PORT: '0', HOST: '127.0.0.1' }),
      headersTimeoutSec: HEADERS_TIMEOUT_SEC,
      requestTimeoutSec: REQUEST_TIMEOUT_SEC,
      keepAliveTimeoutSec: KEEP_ALIVE_TIMEOUT_SEC,
    };
    running = await startServer(config, silentLogger);
  });

  afterAll(() => running.close());

  describe('a client that trickles its headers and never ends them', () => {
    it('gets 408 JSON and is disconnected once the headers timeout passes', async () => {
      const { socket, closed } = await connect(running.port);
      const startedMs = Date.now();
      socket.write('GET /healthz HTTP/1.1\r\n');
      trickle(socket, `Host: localhost\r\nX-Slow: ${'a'.repeat(200)}`);
      const received = await closed;
      const elapsedMs = Date.now() - startedMs;
      expect(received).toBe(TOO_SLOW);
      expect(elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_SEC * 1000);
      expect(elapsedMs).toBeLessThan(3_000);
    });
  });

  describe('a client that sends its headers, then trickles its body', () => {
    it('gets 408 JSON once the request timeout passes, and nothing is recorded', async () => {
      const { socket, closed } = await connect(running.port);
      const body = 'cpuload=1&memload=2&padding=' + 'x'.repeat(100);
      const startedMs = Date.now();
      socket.write(
        `POST /perf/slow-body HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      trickle(socket, body);
      const received = await closed;
      const elapsedMs = Date.now() - startedMs;
      expect(received).toBe(TOO_SLOW);
      expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_SEC * 1000);
      expect(elapsedMs).toBeLessThan(4_000);
      const hosts = await fetch(`http://127.0.0.1:${running.port}/perf`);
      expect(await hosts.json()).toEqual([]);
    });
  });

  describe('a client that is slow but finishes in time', () => {
    it('is served normally', async () => {
      const { socket, closed } = await connect(running.port);
      for (const part of ['GET /healthz HTTP/1.1\r\n', 'Host: x\r\n', 'Connection: close\r\n', '\r\n']) {
        socket.write(part);
        await new Promise((resolve) => setTimeout(resolve, (HEADERS_TIMEOUT_SEC * 1000) / 8));
      }
      expect(await closed).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\{"status":"ok"\}$/);
    });
  });

  describe('an idle keep-alive connection', () => {
    // node announces the timeout in whole seconds, so 0.3 s reads as timeout=0.
    it('is closed by the server after the keep-alive timeout', async () => {
      const { socket, closed } = await connect(running.port);
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const startedMs = Date.now();
      const received = await closed;
      const elapsedMs = Date.now() - startedMs;
      expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Keep-Alive: timeout=0\r\n[\s\S]*\{"status":"ok"\}$/);
      expect(elapsedMs).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_SEC * 1000 - 50);
      expect(elapsedMs).toBeLessThan(3_000);
    });
  });

  describe('requests node rejects before routing', () => {
    it('answers a malformed request line with 400 JSON', async () => {
      const { socket, closed } = await connect(running.port);
      socket.write('NOT AN HTTP REQUEST\r\n\r\n');
      expect(await closed).toBe(jsonResponse('400 Bad Request', { error: 'malformed HTTP request' }));
    });

    it('answers a header with a forbidden character with 400 JSON that does not quote it', async () => {
      const { socket, closed } = await connect(running.port);
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01<script>\r\n\r\n');
      expect(await closed).toBe(jsonResponse('400 Bad Request', { error: 'malformed HTTP request' }));
    });

    it('answers headers over 16 KiB with 431 JSON', async () => {
      const { socket, closed } = await connect(running.port);
      socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
      expect(await closed).toBe(jsonResponse('431 Request Header Fields Too Large', { error: 'request headers exceed the 16 KiB limit' }));
    });
  });
});
