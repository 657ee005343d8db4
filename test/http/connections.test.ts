/*
 * The connection limits of the real server (startServer), over raw sockets: a client that
 * connects and never sends a byte is cut off by the headers timeout (node's own check, which
 * since node 18 counts from the connection, not from the first byte), and connections past
 * SERVERTRACK_MAX_CONNECTIONS are refused. Every wait is for a socket event.
 */
import { Server } from 'node:http';
import net from 'node:net';
import { Config, loadConfig } from '../../src/config';
import { Logger, silentLogger } from '../../src/logger';
import { RunningServer, startServer } from '../../src/server';
import { memoryLogger } from '../helpers/memory-logger';

const HEADERS_TIMEOUT_SEC = 0.4;
const TOO_SLOW = /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\{"error":"request too slow: headers must arrive within 0\.4 s/;

interface Connection {
  socket: net.Socket;
  /** Everything the server sent, once the connection is closed. */
  closed: Promise<string>;
}

function connect(port: number): Promise<Connection> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  socket.on('error', () => undefined); // a reset shows up as 'close' too
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Resolves once the server counts exactly `count` open connections. */
function untilOpen(server: Server, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      server.getConnections((_err, open) => (open === count ? resolve() : setImmediate(check)));
    };
    check();
  });
}

/** One request on an open connection; resolves with the status line once the body has arrived. */
function statusOf(socket: net.Socket, path = '/healthz'): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const onData = (chunk: Buffer): void => {
      received += chunk.toString();
      if (received.includes('{"status":"ok"}')) {
        socket.off('data', onData);
        resolve(received.split('\r\n')[0]);
      }
    };
    socket.on('data', onData);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  });
}

async function start(overrides: Partial<Config>, logger: Logger = silentLogger): Promise<RunningServer> {
  const config = {
    ...loadConfig({ PORT: '0', HOST: '127.0.0.1' }),
    headersTimeoutSec: HEADERS_TIMEOUT_SEC,
    requestTimeoutSec: 2,
    ...overrides,
  };
  return startServer(config, logger);
}

describe('connection limits', () => {
  let running: RunningServer | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  describe('a client that connects and never sends a byte', () => {
    it('gets the 408 and is disconnected once the headers timeout passes', async () => {
      running = await start({});
      const startedMs = Date.now();
      const { closed } = await connect(running.port);
      expect(await closed).toMatch(TOO_SLOW);
      const elapsedMs = Date.now() - startedMs;
      expect(elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_SEC * 1000 - 50);
      expect(elapsedMs).toBeLessThan(2_000);
    });

    it('cannot hold a hundred sockets either', async () => {
      running = await start({});
      const port = running.port;
      const connections = await Promise.all(Array.from({ length: 100 }, () => connect(port)));
      const received = await Promise.all(connections.map((c) => c.closed));
      for (const text of received) expect(text).toMatch(TOO_SLOW);
      await untilOpen(running.server, 0);
    });
  });

  describe('with SERVERTRACK_MAX_CONNECTIONS=3', () => {
    it('closes a fourth connection at once, warns, and accepts one again when a place is free', async () => {
      const log = memoryLogger();
      running = await start({ maxConnections: 3, headersTimeoutSec: 30, requestTimeoutSec: 30 }, log.logger);
      const port = running.port;
      const held = await Promise.all([connect(port), connect(port), connect(port)]);
      await untilOpen(running.server, 3);

      const fourth = await connect(port);
      expect(await fourth.closed).toBe('');
      const fifth = await connect(port);
      expect(await fifth.closed).toBe('');
      // One line for the flood, not one per connection.
      expect(log.lines().filter((line) => line.level === 40)).toEqual([
        expect.objectContaining({ refused: 1, maxConnections: 3, msg: 'refused connections: 3 are open (SERVERTRACK_MAX_CONNECTIONS)' }),
      ]);

      for (const { socket } of held) expect(await statusOf(socket)).toBe('HTTP/1.1 200 OK');
      held[0].socket.destroy();
      await held[0].closed;
      await untilOpen(running.server, 2);
      const again = await connect(port);
      expect(await statusOf(again.socket)).toBe('HTTP/1.1 200 OK');
      for (const { socket } of [...held, again]) socket.destroy();
    });
  });

  describe('a keep-alive connection between requests', () => {
    const KEEP_ALIVE_TIMEOUT_SEC = 0.4;
    const ALLOWANCE_MS = (KEEP_ALIVE_TIMEOUT_SEC + HEADERS_TIMEOUT_SEC) * 1000;

    it('is closed once it has sent no request for the keep-alive and headers timeouts together, bare CRLFs or not', async () => {
      running = await start({ keepAliveTimeoutSec: KEEP_ALIVE_TIMEOUT_SEC });
      const { socket, closed } = await connect(running.port);
      expect(await statusOf(socket)).toBe('HTTP/1.1 200 OK');
      const answeredMs = Date.now();
      // The parser skips CRLFs between messages, and each one resets node's keep-alive timer.
      const dribble = setInterval(() => socket.write('\r\n'), 100);
      await closed;
      clearInterval(dribble);
      const heldMs = Date.now() - answeredMs;
      expect(heldMs).toBeGreaterThanOrEqual(ALLOWANCE_MS - 50);
      expect(heldMs).toBeLessThan(ALLOWANCE_MS + 1_000);
    });

    it('stays open while its client keeps sending requests', async () => {
      running = await start({ keepAliveTimeoutSec: KEEP_ALIVE_TIMEOUT_SEC });
      const { socket } = await connect(running.port);
      const statuses: string[] = [];
      const untilMs = Date.now() + 3 * ALLOWANCE_MS;
      while (Date.now() < untilMs) {
        statuses.push(await statusOf(socket));
        await new Promise((resolve) => setTimeout(resolve, 50)); // the client's own pace between requests
      }
      expect(socket.destroyed).toBe(false);
      expect(new Set(statuses)).toEqual(new Set(['HTTP/1.1 200 OK']));
      socket.destroy();
    });
  });
});
