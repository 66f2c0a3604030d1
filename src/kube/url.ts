// Server URLs as they may appear in messages. A kubeconfig or -s may carry `user:pass@` or a `?token=` in the
// URL; messages, debug lines and errors name the server by scheme, host, port and path only.

import { ConfigError } from '../errors.ts';

/** `https://admin:secret@api:6443/k8s?token=x` -> `https://api:6443/k8s`. Best effort on text that does not parse. */
export function redactUrl(raw: string): string {
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  // Not an http(s) URL with a host (`admin:secret@host` parses with the scheme "admin:"): still drop anything
  // that looks like userinfo, a query or a fragment.
  if (!u || !u.host) return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1').replace(/[?#].*$/s, '');
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.protocol}//${u.host}${path}`;
}

/**
 * The cluster's server URL, checked before any request: it must parse and be http(s). `where` names where it
 * came from (`--server`, `cluster "prod" in kubeconfig ...`). Returns the URL and its redacted form.
 */
export function parseServerUrl(raw: string, where: string): { url: URL; display: string } {
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || !u.hostname) {
    throw new ConfigError(`invalid server URL ${JSON.stringify(redactUrl(raw))} (${where}): expected https://HOST[:PORT] or http://HOST[:PORT]`);
  }
  return { url: u, display: redactUrl(raw) };
}
