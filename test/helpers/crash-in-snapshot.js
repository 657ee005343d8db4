/*
 * Preloaded into the server with NODE_OPTIONS=--require: kills the process with SIGKILL in
 * the middle of its next snapshot write, the way a crash or the OOM killer would, with no
 * test hook in the server itself. CRASH_IN_SNAPSHOT_AT picks the moment:
 *   write   after the first chunk reached the temporary file
 *   rename  when the complete temporary file is about to replace the snapshot
 */
'use strict';
// A --require preload runs as plain CommonJS before any TypeScript, so require() it is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsp = require('node:fs/promises');

const crashAt = process.env.CRASH_IN_SNAPSHOT_AT;
const realOpen = fsp.open;
const realRename = fsp.rename;

fsp.rename = async (from, to) => {
  if (crashAt === 'rename') process.kill(process.pid, 'SIGKILL');
  return realRename(from, to);
};

fsp.open = async (...args) => {
  const handle = await realOpen(...args);
  if (crashAt === 'write' && String(args[0]).endsWith('.tmp')) {
    const realWrite = handle.write.bind(handle);
    let writes = 0;
    handle.write = async (...writeArgs) => {
      const result = await realWrite(...writeArgs);
      if (++writes === 2) process.kill(process.pid, 'SIGKILL'); // the header, then the first chunk
      return result;
    };
  }
  return handle;
};
