import { spawn } from 'node:child_process';
import { connectRedis } from './src/store/redis/connection';
import { RedisStore } from './src/store/redis/redis-store';
import { createApp } from './src/app';
import request from 'supertest';

const PORT = 6391;
(async () => {
  const redis = spawn('redis-server', ['--port', String(PORT), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const client = connectRedis({ url: `redis://127.0.0.1:${PORT}`, commandTimeoutMs: 30_000 });
  await new Promise((r) => client.once('ready', r));
  const store = new RedisStore({ client, commandTimeoutMs: 30_000 });
  const now = Math.floor(Date.now() / 1000);
  const hosts = Array.from({ length: 10_000 }, (_, i) => `host-${String(i).padStart(5, '0')}`);
  for (let from = 0; from < hosts.length; from += 1000) {
    await store.recordBatch(hosts.slice(from, from + 1000).map((host, i) => ({ host, sample: { timeSec: now, cpuLoad: i % 100, memLoad: 50 } })), now);
  }
  const app = createApp({ store, clock: () => now, metrics: false });
  const urls = ['/perf/host-00042', '/perf/host-00042/last_hour', '/perf?sort=-cpuload&limit=20', '/perf?window=last_hour&sort=-cpuload&limit=20', '/fleet/last_hour', '/fleet/last_day'];
  for (const url of urls) {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = process.hrtime.bigint();
      const res = await request(app).get(url);
      if (res.status !== 200) throw new Error(url + res.status);
      if (i > 1) times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`${url}: median ${times[times.length >> 1].toFixed(1)} ms`);
  }
  const info = await client.info('stats');
  console.log(info.split('\n').filter((l) => /total_net_output_bytes|total_commands_processed/.test(l)).join(' '));
  await client.quit();
  redis.kill();
})();
