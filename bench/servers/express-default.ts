/*
 * The stack as commonly set up: Express 5 + body-parser, one route, the default
 * app.listen() (http.createServer(app)). It parses the same body, stores nothing, answers 201.
 */
import bodyParser from 'body-parser';
import express from 'express';
import { AddressInfo } from 'node:net';

const app = express();
app.post('/perf/:host', bodyParser.urlencoded({ extended: false }), (req, res) => {
  const cpuLoad = Number(req.body.cpuload);
  const memLoad = Number(req.body.memload);
  res.status(cpuLoad >= 0 && cpuLoad <= 100 && memLoad >= 0 && memLoad <= 100 ? 201 : 400).end();
});

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`express default listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
