// What the known images do once started: which ports they answer on, what they answer (the visits counter counts
// GET / in its counter file), whether they exit by themselves, and what they log. See ../images.ts.

import { posix } from 'node:path';
import { containerWorkingDir, IMAGES, imageKind, imageRepository, type ImageKind } from '../images.ts';
import type { ContainerFs } from './fs.ts';
import type { ContainerSpec } from './types.ts';

export const DEFAULT_VISITS_FILE = '/data/visits.txt';

export interface AppInstance {
  kind: ImageKind;
  spec: ContainerSpec;
  env: Record<string, string>;
  fs: ContainerFs;
  podIP: string;
  log(line: string): void;
}

export interface HttpAnswer {
  status: number;
  body: string;
  contentType?: string;
}

/** Whether the app accepts connections on a port. */
export function listens(kind: ImageKind, spec: ContainerSpec, env: Record<string, string>, port: number): boolean {
  switch (kind) {
    case 'crashloop':
    case 'oomkill':
      return false;
    case 'visits':
    case 'visits-reset':
    case 'never-ready': {
      const declared = (spec.ports ?? []).map((p) => p.containerPort);
      if (declared.length) return declared.includes(port);
      return port === Number(env.PORT ?? 8080);
    }
    default:
      return true;
  }
}

/** How an app ends by itself after starting, in simulated ms; undefined: it runs until stopped. */
export function selfExit(kind: ImageKind, isInit: boolean): { afterMs: number; exitCode: number; reason: string } | undefined {
  if (kind === 'crashloop') return { afterMs: 1000, exitCode: 1, reason: 'Error' };
  if (kind === 'oomkill') return { afterMs: 1500, exitCode: 137, reason: 'OOMKilled' };
  if (isInit && kind !== 'never-ready') return { afterMs: 1000, exitCode: 0, reason: 'Completed' };
  return undefined;
}

const locks = new Map<string, Promise<unknown>>();
/** Serialise read-modify-write of one counter file. */
function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  locks.set(
    key,
    next.catch(() => undefined),
  );
  const cleanup = () => {
    if (locks.get(key) === next) locks.delete(key);
  };
  next.then(cleanup, cleanup);
  return next;
}

/** The counter file, absolute: $VISITS_FILE (a relative one from the working directory) or the image's default. */
export function visitsFile(app: Pick<AppInstance, 'env' | 'spec'>): string {
  const isApp = imageRepository(app.spec.image).endsWith(IMAGES.visitsApp);
  const file = app.env.VISITS_FILE || (isApp ? 'visits/visits.txt' : DEFAULT_VISITS_FILE);
  return posix.resolve(containerWorkingDir(app.spec), file);
}

async function readCount(app: AppInstance): Promise<number> {
  try {
    return Number.parseInt((await app.fs.readFile(visitsFile(app))).toString('utf8').trim(), 10) || 0;
  } catch {
    return 0;
  }
}

async function writeCount(app: AppInstance, n: number): Promise<void> {
  const file = visitsFile(app);
  await app.fs.mkdir(posix.dirname(file), { recursive: true }).catch(() => undefined);
  await app.fs.writeFile(file, `${n}\n`);
}

/** What the app does when its process starts. */
export async function onStart(app: AppInstance): Promise<void> {
  const port = app.spec.ports?.[0]?.containerPort ?? Number(app.env.PORT ?? 8080);
  switch (app.kind) {
    case 'visits':
    case 'visits-reset': {
      const file = visitsFile(app);
      let note: string;
      try {
        await withLock(app.fs.resolve(file).real, async () => {
          if (app.kind === 'visits-reset' || !(await app.fs.exists(file))) await writeCount(app, 0);
        });
        const n = await readCount(app);
        note =
          app.kind === 'visits-reset' ? `visits: reset counter file ${file} to 0` : `visits: counter file ${file} (${n} visits so far)`;
      } catch (e) {
        note = `visits: cannot write counter file ${file}: ${(e as Error).message}`;
      }
      app.log(note);
      app.log(`visits: listening on http://0.0.0.0:${port}`);
      return;
    }
    case 'never-ready':
      app.log(`never-ready: listening on http://0.0.0.0:${port}, waiting for a dependency that never comes`);
      return;
    case 'crashloop':
      app.log('crashloop: starting');
      return;
    case 'oomkill':
      app.log('oomkill: loading data set into memory');
      return;
    case 'distroless':
      app.log(`{"level":"info","msg":"server started","port":${port}}`);
      return;
    default:
      app.log(`${app.spec.name}: started`);
  }
}

/** The last words an app logs before it exits by itself. */
export function onExitLog(kind: ImageKind): string | undefined {
  if (kind === 'crashloop') return 'Error: cannot connect to database at db:5432: connection refused';
  return undefined;
}

/**
 * An HTTP request reaching the app. `probe` says which probe sends it (probes never count a visit); undefined
 * for requests from users (pods/proxy).
 */
export async function serveHttp(
  app: AppInstance,
  method: string,
  path: string,
  probe?: 'liveness' | 'readiness' | 'startup',
): Promise<HttpAnswer> {
  const p = path.split('?')[0] || '/';
  const ua = probe ? 'kube-probe/1.34' : 'kubectl';
  const access = (status: number, size: number) => {
    const d = new Date();
    const stamp = `${String(d.getUTCDate()).padStart(2, '0')}/${d.toUTCString().slice(8, 11)}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
    app.log(`10.244.0.1 - - [${stamp}] "${method} ${path} HTTP/1.1" ${status} ${size} "-" "${ua}"`);
  };
  let ans: HttpAnswer;
  switch (app.kind) {
    case 'visits':
    case 'visits-reset': {
      if (probe) ans = { status: 200, body: 'ok\n' };
      else if (p === '/' && method === 'GET') {
        const file = visitsFile(app);
        try {
          const n = await withLock(app.fs.resolve(file).real, async () => {
            const next = (await readCount(app)) + 1;
            await writeCount(app, next);
            return next;
          });
          ans = { status: 200, body: `${n}\n` };
        } catch (e) {
          ans = { status: 500, body: `cannot write ${file}: ${(e as Error).message}\n` };
        }
      } else if (p === '/visits') ans = { status: 200, body: `${await readCount(app)}\n` };
      else if (['/health', '/healthz', '/ready', '/readyz', '/livez'].includes(p)) ans = { status: 200, body: 'ok\n' };
      else ans = { status: 404, body: '404 page not found\n' };
      break;
    }
    case 'never-ready':
      ans = probe === 'liveness' ? { status: 200, body: 'alive\n' } : { status: 503, body: 'not ready\n' };
      break;
    default:
      ans = {
        status: 200,
        body: `<html><body><h1>${app.spec.name}</h1><p>sandbox container (${app.spec.image})</p></body></html>\n`,
        contentType: 'text/html; charset=utf-8',
      };
  }
  access(ans.status, Buffer.byteLength(ans.body));
  return ans;
}

export { imageKind };
