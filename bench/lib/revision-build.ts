/*
 * An earlier revision of ServerTrack, built beside this checkout, so a scenario can measure
 * "before" and "after" in the same run, on the same machine state: a git worktree of the
 * revision in a temporary directory, this checkout's node_modules linked in (a revision
 * whose dependencies differ from these may not build), compiled with this TypeScript.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from './server-process';

export interface RevisionBuild {
  /** The revision as given, and its short commit. */
  label: string;
  /** dist/server.js of the revision, an absolute path to give node. */
  serverPath: string;
  remove(): void;
}

export function buildRevision(revision: string): RevisionBuild {
  const commit = execFileSync('git', ['rev-parse', '--short', `${revision}^{commit}`], { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servertrack-revision-'));
  const remove = (): void => {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT_DIR, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  execFileSync('git', ['worktree', 'add', '--detach', dir, commit], { cwd: ROOT_DIR, stdio: 'ignore' });
  try {
    symlinkSync(path.join(ROOT_DIR, 'node_modules'), path.join(dir, 'node_modules'));
    execFileSync(process.execPath, [path.join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: dir,
      stdio: 'inherit',
    });
  } catch (err) {
    remove();
    throw err;
  }
  return { label: revision === commit ? commit : `${revision}, ${commit}`, serverPath: path.join(dir, 'dist', 'server.js'), remove };
}
