// Lists that follow `continue` pages (and start over in one piece when a token expires, as client-go's pager
// does), and watches: one watch connection as a stream of events, and the list-then-watch loop of watch.ts
// over them.

import type { KubeList } from '@sts-inspect/k8s';
import { CliError } from '../errors.ts';
import { DEFAULT_PAGE_SIZE, DEFAULT_WATCH_TIMEOUT_SECONDS, withQuery } from './api.ts';
import type { ListOptions, WatchOptions } from './client.ts';
import type { ClientContext } from './context.ts';
import { GoneError, NotKubernetesError } from './errors.ts';
import { interpret, isObject, mimeOf, networkError, open, readAll, request } from './http.ts';
import { isTransient } from './transient.ts';
import { listWatch, type KubeObject, type RawWatchEvent, type Watch, type WatchSource } from './watch.ts';

/** The list's metadata without the paging fields: the list as one page would have been. */
function wholeList<T>(last: KubeList<T>, items: T[]): KubeList<T> {
  const { metadata, ...rest } = last;
  if (!metadata) return { ...rest, items };
  const {
    continue: _c,
    remainingItemCount: _r,
    ...meta
  } = metadata as NonNullable<KubeList<T>['metadata']> & { remainingItemCount?: number };
  return { ...rest, metadata: meta, items };
}

export async function list<T>(
  ctx: ClientContext,
  path: string,
  listOpts: ListOptions,
  what: string,
  signal?: AbortSignal,
): Promise<KubeList<T>> {
  let pageSize: number | undefined = listOpts.limit ?? DEFAULT_PAGE_SIZE;
  for (;;) {
    const items: T[] = [];
    let cont: string | undefined;
    let last: KubeList<T> | undefined;
    try {
      do {
        const page: KubeList<T> = await request<KubeList<T>>(
          ctx,
          'GET',
          withQuery(path, { ...listOpts, limit: pageSize }, { continue: cont }),
          what,
          'list',
          signal,
          undefined,
          listOpts.accept,
        );
        items.push(...page.items);
        cont = page.metadata?.continue || undefined;
        last = page;
      } while (cont);
    } catch (err) {
      // An expired continue token (410) mid-way: list again in one piece, as client-go's pager does.
      if (err instanceof GoneError && cont !== undefined && pageSize !== undefined) {
        pageSize = undefined;
        continue;
      }
      throw err;
    }
    return wholeList(last, items);
  }
}

function parseEvent(ctx: ClientContext, line: string, what: string): RawWatchEvent {
  let ev: unknown;
  try {
    ev = JSON.parse(line);
  } catch {
    throw new NotKubernetesError(what, ctx.server, 'a watch stream that is not JSON lines');
  }
  if (!isObject(ev) || typeof ev.type !== 'string' || !isObject(ev.object))
    throw new NotKubernetesError(what, ctx.server, 'JSON that is not a watch event');
  return { type: ev.type, object: ev.object };
}

/** One watch connection from `resourceVersion`: newline-delimited JSON events until the server ends it. */
export async function* watchStream(
  ctx: ClientContext,
  path: string,
  wopts: WatchOptions,
  what: string,
  resourceVersion: string,
  signal: AbortSignal,
): AsyncGenerator<RawWatchEvent> {
  const timeoutSeconds = wopts.timeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
  const selectors: ListOptions = {
    ...(wopts.labelSelector ? { labelSelector: wopts.labelSelector } : {}),
    ...(wopts.fieldSelector ? { fieldSelector: wopts.fieldSelector } : {}),
  };
  const q = withQuery(path, selectors, {
    watch: '1',
    resourceVersion,
    allowWatchBookmarks: 'true',
    timeoutSeconds: String(timeoutSeconds),
  });
  const { req, res, release, trace } = await open(ctx, { method: 'GET', path: q, what, signal, idleMs: (timeoutSeconds + 30) * 1000 });
  try {
    const status = res.statusCode ?? 0;
    const mime = mimeOf(res.headers);
    if (status < 200 || status >= 300 || (mime !== '' && !mime.includes('json'))) {
      const body = await readAll(ctx, res, what, signal);
      trace?.body(body);
      interpret({ status, headers: res.headers, body }, what, 'object', ctx.server);
      throw new NotKubernetesError(what, ctx.server, mime); // a 2xx that is not JSON
    }
    res.setEncoding('utf8');
    let buf = '';
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) yield parseEvent(ctx, line, what);
        }
      }
    } catch (err) {
      if (err instanceof CliError && !isTransient(err) && !signal.aborted) throw err;
      throw networkError(ctx, what, err, signal);
    }
    if (!res.complete) throw networkError(ctx, what, Object.assign(new Error('watch connection closed'), { code: 'ECONNRESET' }), signal);
  } finally {
    release();
    req.destroy();
  }
}

/** List then watch (see watch.ts) over this context's list and watch connections. */
export function watch<T extends KubeObject>(
  ctx: ClientContext,
  path: string,
  wopts: WatchOptions,
  what: string,
  signal?: AbortSignal,
): Watch<T> {
  const source: WatchSource<T> = {
    async list(s) {
      const l = await list<T>(ctx, path, wopts, what, s);
      return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
    },
    stream: (rv, s) => watchStream(ctx, path, wopts, what, rv, s),
  };
  const reconnect = ctx.watchReconnectForMs !== undefined ? { reconnectForMs: ctx.watchReconnectForMs } : {};
  return listWatch(source, { what, server: ctx.server, retry: ctx.policy, ...reconnect }, signal);
}
