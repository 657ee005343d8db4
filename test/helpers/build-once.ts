/*
 * Jest globalSetup: compiles src/ into dist/ once per run, before any test file starts, so
 * every test that runs the built server (dist/server.js) as a real process uses the same
 * build and none of them compiles it again.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT_DIR = path.resolve(__dirname, '../..');

export default function buildOnce(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT_DIR, stdio: 'inherit' });
}
