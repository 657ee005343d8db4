/*
 * A minimal keep-alive HTTP client for load: node:http with a fixed pool of sockets, the
 * response body read whole (so sockets are reused) and discarded unless asked for.
 */
import http from 'node:http';

export interface Reply {
  status: number;
  body: string;
}

export interface HttpClient {
  send(method: string, path: string, body?: { type: string; text: string }, keepBody?: boolean): Promise<Reply>;
  close(): void;
}

export function httpClient(baseUrl: string, sockets: number): HttpClient {
  const { hostname, port } = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return {
    send(method, path, body, keepBody = false) {
      return new Promise((resolve, reject) => {
        const headers: http.OutgoingHttpHeaders = {};
        if (body !== undefined) {
          headers['content-type'] = body.type;
          headers['content-length'] = Buffer.byteLength(body.text);
        }
        const req = http.request({ agent, hostname, port, method, path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => {
            if (keepBody) chunks.push(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body?.text);
      });
    },
    close: () => agent.destroy(),
  };
}
