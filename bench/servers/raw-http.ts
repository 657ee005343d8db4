/*
 * The runtime ceiling: plain node:http that reads the same form body ServerTrack gets,
 * parses cpuload and memload, stores nothing and answers 201. No framework at all.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    const fields = new URLSearchParams(body);
    const cpuLoad = Number(fields.get('cpuload'));
    const memLoad = Number(fields.get('memload'));
    res.statusCode = cpuLoad >= 0 && cpuLoad <= 100 && memLoad >= 0 && memLoad <= 100 ? 201 : 400;
    res.end();
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`raw node:http listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
