// Stops what global-setup.ts started and removes its temporary directories.
import './global-setup';

export default async function globalTeardown(): Promise<void> {
  const started = globalThis.servertrackRedis;
  if (started === undefined) return;
  await Promise.all([started.server.stop(), started.cluster.stop()]);
}
