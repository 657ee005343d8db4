/*
 * One line at start when anyone on the network may use the API: a non-loopback address and
 * no token.
 */
import { isIPv4 } from 'node:net';

/** Whether only this machine can reach `host`: 127.0.0.0/8, ::1 (also IPv4-mapped) or localhost. */
export function isLoopbackAddress(host: string): boolean {
  const address = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (address === 'localhost' || address === '::1' || address === '0:0:0:0:0:0:0:1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return isIPv4(v4) && v4.startsWith('127.');
}

/**
 * The warning for a server anyone on the network may write to, read and DELETE from (no token,
 * a non-loopback address such as the default 0.0.0.0), or undefined when there is nothing to say.
 */
export function openApiWarning(host: string, tokenCount: number): string | undefined {
  if (tokenCount > 0 || isLoopbackAddress(host)) return undefined;
  return (
    `listening on ${host} with no token: anyone who can reach this port can record samples, read them and DELETE hosts; ` +
    'set SERVERTRACK_TOKEN (and SERVERTRACK_INGEST_TOKEN, SERVERTRACK_READ_TOKEN), or HOST=127.0.0.1 to listen on this machine only'
  );
}
