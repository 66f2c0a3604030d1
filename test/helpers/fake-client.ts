// FakeKubeClient: the whole KubeClient seam (get, list, watch, create, patch, delete, exec) over objects in
// memory, for unit tests of logic that reads, watches and changes a cluster (roll, persistence...).
//
//   const fake = new FakeKubeClient([statefulset, ...pods]);      // objects need apiVersion, kind, metadata
//   fake.apply(obj)  / fake.remove(path)                          // change the "cluster": bumps resourceVersion,
//                                                                 //   assigns uid, tells open watches
//   fake.emit('MODIFIED', obj)                                    // push one watch event (the store follows it)
//   fake.fail({ verb: 'patch', path: /statefulsets\/web$/, status: 409, times: 1 })   // inject a typed error
//   fake.fail({ verb: 'get', path: '/api/v1/namespaces/demo/pods/web-0', hang: true }) // pends until aborted
//   await fake.nextWatchConnection()  // resolves when a watch connection opens (then drop or expire it)
//   fake.dropWatches()      // open watches lose their connection (they reconnect from their resourceVersion)
//   fake.expireWatches()    // history is gone: reconnecting watches get the 410 ERROR event and relist
//   fake.execHandler = (o) => ({ stdout: Buffer.from('7\n'), exitCode: 0 })
//   fake.calls              // every call: { verb, path, body?, options? }, for assertions
//   fake.object(path)       // the stored object at an object path, or undefined
//   fake.serve('/apis/policy', doc)  // answer a GET of a non-object path (discovery) with this document
//   POST .../pods/NAME/eviction      // the Eviction subresource: deletes the pod (uid precondition in
//                                    //   deleteOptions), answers a Status Success; no budgets: inject a 429
//
// It behaves as the real client and API server do where tests depend on it: errors are the same typed
// errors (errorForStatus), a patch carrying a stale metadata.resourceVersion and a delete whose uid
// precondition does not match are 409 ConflictErrors, create of an existing name is 409 AlreadyExists,
// a spec change bumps metadata.generation, list and watch honour label selectors (=, !=, exists) and field
// selectors (dotted paths, = and !=), and watch is the real list-then-watch loop (src/kube/watch.ts) fed
// from memory, so relists after 410 and reconnects after drops are the production code's. Differences:
// nothing is retried (an injected 429 reaches the caller), an object that stops matching a watch's selector
// is not reported as DELETED, and there are no controllers: nothing changes unless the test says so.

import { errorForAbort, errorForStatus, type ApiStatus } from '../../src/kube/errors.ts';
import type {
  DeleteOptions,
  EvictOptions,
  ExecOptions,
  ExecResult,
  KubeClient,
  ListOptions,
  PatchOptions,
  ScaleOptions,
  WatchOptions,
} from '../../src/kube/client.ts';
import type { KubeList, Scale } from '@sts-inspect/k8s';
import { listWatch, type KubeObject, type RawWatchEvent, type Watch, type WatchEventType } from '../../src/kube/watch.ts';
import { markTransient } from '../../src/kube/transient.ts';
import { isRetryableStatus } from '../../src/kube/retry.ts';
import { jsonMerge, jsonPatch, strategicMerge } from '../../packages/sandbox/src/apiserver/patch.ts';
import { ApiError as SandboxApiError } from '../../packages/sandbox/src/status.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'patch' | 'delete' | 'exec' | 'evict' | 'scale';

export interface FakeObject extends KubeObject {
  apiVersion: string;
  kind: string;
  metadata: NonNullable<KubeObject['metadata']> & { name: string; generation?: number; generateName?: string };
  [field: string]: unknown;
}

export interface FakeCall {
  verb: Verb;
  path: string;
  body?: unknown;
  options?: unknown;
}

export interface FailRule {
  verb?: Verb;
  /** A string matches the whole path (without query); a RegExp is tested against it. Exec paths are `/api/v1/namespaces/NS/pods/POD/exec`. */
  path: string | RegExp;
  /** Answer with this HTTP status and a Status body (`body` overrides it). */
  status?: number;
  body?: ApiStatus;
  /** Throw this instead. */
  error?: Error;
  /** Never answer: the call pends until its signal aborts. */
  hang?: boolean;
  /** How many calls it applies to (default: all). */
  times?: number;
}

type ExecHandler = (o: ExecOptions) => Partial<ExecResult> | Error;

interface Parsed {
  prefix: string;
  plural: string;
  namespace?: string;
  name?: string;
}

interface LogEvent {
  rv: number;
  type: WatchEventType;
  object: FakeObject;
  collection: string;
}

const PLURALS: Record<string, string> = { Endpoints: 'endpoints', StorageClass: 'storageclasses', NetworkPolicy: 'networkpolicies' };
const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding']);

export function pluralOf(kind: string): string {
  return PLURALS[kind] ?? `${kind.toLowerCase()}s`;
}

/** The API path of an object: `/apis/apps/v1/namespaces/demo/statefulsets/web`. */
export function objectPath(o: FakeObject): string {
  const prefix = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const ns = CLUSTER_SCOPED.has(o.kind) ? '' : `/namespaces/${o.metadata.namespace ?? 'default'}`;
  return `${prefix}${ns}/${pluralOf(o.kind)}/${o.metadata.name}`;
}

function parsePath(path: string): Parsed {
  const segs = path.split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let prefix: string;
  if (segs[0] === 'api') {
    prefix = `/api/${segs[1]}`;
    rest = segs.slice(2);
  } else {
    prefix = `/apis/${segs[1]}/${segs[2]}`;
    rest = segs.slice(3);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3)
    return { prefix, namespace: rest[1]!, plural: rest[2]!, ...(rest[3] ? { name: rest[3] } : {}) };
  return { prefix, plural: rest[0] ?? '', ...(rest[1] ? { name: rest[1] } : {}) };
}

const collectionOf = (p: Parsed) => `${p.prefix}/${p.plural}`;
const keyOf = (p: Parsed) => `${collectionOf(p)}|${p.namespace ?? ''}|${p.name ?? ''}`;

function fieldValue(o: unknown, dotted: string): string | undefined {
  let v: unknown = o;
  for (const part of dotted.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

export function matchesSelectors(o: FakeObject, opts: ListOptions): boolean {
  const labels = o.metadata.labels ?? {};
  for (const term of (opts.labelSelector ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const ne = /^([^!=]+)!=(.*)$/.exec(term);
    const eq = /^([^!=]+)==?(.*)$/.exec(term);
    if (ne) {
      if (labels[ne[1]!.trim()] === ne[2]!.trim()) return false;
    } else if (eq) {
      if (labels[eq[1]!.trim()] !== eq[2]!.trim()) return false;
    } else if (term.startsWith('!')) {
      if (term.slice(1) in labels) return false;
    } else if (!(term in labels)) return false;
  }
  for (const term of (opts.fieldSelector ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term);
    if (!m) continue;
    const v = fieldValue(o, m[1]!) ?? '';
    if (m[2] === '!=' ? v === m[3] : v !== m[3]) return false;
  }
  return true;
}

const status = (code: number, reason: string, message: string, details?: ApiStatus['details']): ApiStatus => ({
  kind: 'Status',
  status: 'Failure',
  code,
  reason,
  message,
  ...(details ? { details } : {}),
});

export class FakeKubeClient implements KubeClient {
  readonly server = 'https://fake.example:6443';
  readonly calls: FakeCall[] = [];
  execHandler: ExecHandler = () => ({ exitCode: 0 });
  private readonly store = new Map<string, FakeObject>();
  private readonly log: LogEvent[] = [];
  /** Watches resuming from before this resourceVersion get 410 (0: all history kept). */
  private historyStart = 0;
  private rv = 0;
  private uid = 0;
  private rules: (FailRule & { left: number })[] = [];
  private readonly streams = new Set<{ push(e: LogEvent | 'drop'): void }>();
  private connectionWaiters: (() => void)[] = [];
  private readonly served = new Map<string, unknown>();

  constructor(objects: FakeObject[] = []) {
    for (const o of objects) this.apply(o);
  }

  // ---- the test's side -----------------------------------------------------------------------------

  /** Create or replace an object as the API server would store it; returns the stored copy. */
  apply(obj: FakeObject): FakeObject {
    const existing = this.store.get(keyOf(parsePath(objectPath(obj))));
    return this.emit(existing ? 'MODIFIED' : 'ADDED', obj);
  }

  /** Delete the object at `path` (no preconditions, no errors); returns it, or undefined when absent. */
  remove(path: string): FakeObject | undefined {
    const o = this.store.get(keyOf(parsePath(path)));
    return o ? this.emit('DELETED', o) : undefined;
  }

  /** One event as a watch would see it; the store follows (ADDED/MODIFIED store the object, DELETED removes it). */
  emit(type: WatchEventType, obj: FakeObject): FakeObject {
    const stored: FakeObject = structuredClone(obj);
    const p = parsePath(objectPath(stored));
    const key = keyOf(p);
    const old = this.store.get(key);
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.uid ??= old?.metadata.uid ?? `uid-${++this.uid}`;
    if (!CLUSTER_SCOPED.has(stored.kind)) stored.metadata.namespace ??= 'default';
    stored.metadata.creationTimestamp ??= old?.metadata.creationTimestamp ?? new Date().toISOString();
    if (type === 'DELETED') this.store.delete(key);
    else this.store.set(key, stored);
    const ev: LogEvent = { rv: this.rv, type, object: stored, collection: collectionOf(p) };
    this.log.push(ev);
    for (const s of this.streams) s.push(ev);
    return structuredClone(stored);
  }

  /** The stored object at an object path. */
  object<T = FakeObject>(path: string): T | undefined {
    const o = this.store.get(keyOf(parsePath(path)));
    return o ? (structuredClone(o) as unknown as T) : undefined;
  }

  /** Answer a GET of this exact path (discovery documents, which are no stored object) with `doc`. */
  serve(path: string, doc: unknown): this {
    this.served.set(path, doc);
    return this;
  }

  fail(rule: FailRule): this {
    this.rules.push({ ...rule, left: rule.times ?? Infinity });
    return this;
  }

  /** Open watch connections end, as when the API server restarts; the watches reconnect. */
  dropWatches(): void {
    for (const s of this.streams) s.push('drop');
  }

  /** Forget the event history and drop open watches: they reconnect, get the 410 ERROR event and relist. */
  expireWatches(): void {
    // Progress the resourceVersion (as etcd moves on), so every watch resumes from before the new start and
    // is refused, while a relist gets the new resourceVersion and may watch from it.
    this.historyStart = ++this.rv;
    this.log.length = 0;
    this.dropWatches();
  }

  /** Resolves when the next watch connection opens (its history replayed), so a test can drop or expire it. */
  nextWatchConnection(): Promise<void> {
    return new Promise((resolve) => this.connectionWaiters.push(resolve));
  }

  /** How many watch connections are open now. */
  get openWatches(): number {
    return this.streams.size;
  }

  // ---- KubeClient ------------------------------------------------------------------------------------

  async get<T>(path: string, what: string, signal?: AbortSignal): Promise<T> {
    this.calls.push({ verb: 'get', path });
    await this.check('get', path, what, signal);
    if (this.served.has(path)) return structuredClone(this.served.get(path)) as T;
    const o = this.store.get(keyOf(parsePath(path)));
    if (!o) throw this.notFound(path, what);
    return structuredClone(o) as unknown as T;
  }

  async list<T>(path: string, opts: ListOptions, what: string, signal?: AbortSignal): Promise<KubeList<T>> {
    this.calls.push({ verb: 'list', path, options: opts });
    await this.check('list', path, what, signal);
    return { metadata: { resourceVersion: String(this.rv) }, items: this.select(path, opts) as unknown as T[] };
  }

  watch<T extends KubeObject>(path: string, opts: WatchOptions, what: string, signal?: AbortSignal): Watch<T> {
    this.calls.push({ verb: 'watch', path, options: opts });
    const p = parsePath(path);
    return listWatch<T>(
      {
        list: async (s) => {
          await this.check('list', path, what, s);
          return { items: this.select(path, opts) as unknown as T[], resourceVersion: String(this.rv) };
        },
        stream: (rv, s) => this.stream(p, path, opts, what, Number(rv), s),
      },
      // No real waiting between reconnects: tests wait on events, not on backoff.
      { what, server: this.server, retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 2, refusedAttempts: 3 }, reconnectForMs: 1_000 },
      signal,
    );
  }

  async create<T>(path: string, body: unknown, what: string, signal?: AbortSignal): Promise<T> {
    this.calls.push({ verb: 'create', path, body });
    await this.check('create', path, what, signal);
    const eviction = /^(.*\/pods\/[^/]+)\/eviction$/.exec(path.split('?')[0]!);
    if (eviction) return this.evictByCreate(eviction[1]!, body, what) as T;
    const p = parsePath(path);
    const obj = structuredClone(body) as FakeObject;
    obj.metadata.name ??= `${obj.metadata.generateName ?? 'obj-'}${Math.random().toString(36).slice(2, 7)}`;
    if (p.namespace) obj.metadata.namespace = p.namespace;
    const at = objectPath(obj);
    if (this.store.has(keyOf(parsePath(at)))) {
      throw errorForStatus(
        what,
        409,
        status(409, 'AlreadyExists', `${p.plural} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, kind: p.plural }),
        this.server,
      );
    }
    obj.metadata.generation = 1;
    return this.emit('ADDED', obj) as unknown as T;
  }

  async patch<T>(path: string, body: unknown, opts: PatchOptions, what: string, signal?: AbortSignal): Promise<T> {
    this.calls.push({ verb: 'patch', path, body, options: opts });
    await this.check('patch', path, what, signal);
    const current = this.store.get(keyOf(parsePath(path)));
    if (!current) throw this.notFound(path, what);
    let next: FakeObject;
    try {
      const original = structuredClone(current) as unknown as Record<string, unknown>;
      const patched =
        opts.type === 'json'
          ? jsonPatch(original, body)
          : opts.type === 'strategic'
            ? strategicMerge(original, body as Record<string, unknown>, current.kind)
            : jsonMerge(original, body);
      next = patched as FakeObject;
    } catch (err) {
      if (err instanceof SandboxApiError) throw errorForStatus(what, err.code, err.toStatus(), this.server);
      throw err;
    }
    // Optimistic concurrency: a patch that names a resourceVersion must name the current one.
    const wanted = next.metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== current.metadata.resourceVersion) throw this.conflict(path, what);
    if (JSON.stringify(next.spec) !== JSON.stringify(current.spec)) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    return this.emit('MODIFIED', next) as unknown as T;
  }

  async delete<T = unknown>(path: string, opts: DeleteOptions, what: string, signal?: AbortSignal): Promise<T> {
    this.calls.push({ verb: 'delete', path, options: opts });
    await this.check('delete', path, what, signal);
    const current = this.store.get(keyOf(parsePath(path)));
    if (!current) throw this.notFound(path, what);
    if (opts.uid && opts.uid !== current.metadata.uid) {
      const p = parsePath(path);
      throw errorForStatus(
        what,
        409,
        status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${p.plural} "${p.name}": Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${current.metadata.uid}`,
          { name: p.name, kind: p.plural },
        ),
        this.server,
      );
    }
    if (opts.resourceVersion && opts.resourceVersion !== current.metadata.resourceVersion) throw this.conflict(path, what);
    return this.emit('DELETED', current) as unknown as T;
  }

  async exec(o: ExecOptions, signal?: AbortSignal): Promise<ExecResult> {
    const path = `/api/v1/namespaces/${o.namespace}/pods/${o.pod}/exec`;
    this.calls.push({ verb: 'exec', path, options: o });
    await this.check('exec', path, `exec in pod ${o.namespace}/${o.pod} (container ${o.container})`, signal);
    const a = this.execHandler(o);
    if (a instanceof Error) throw a;
    const stdout = a.stdout ?? Buffer.alloc(0);
    return {
      stdout: stdout.subarray(0, o.maxBytes),
      stderr: a.stderr ?? Buffer.alloc(0),
      truncated: a.truncated ?? stdout.length > o.maxBytes,
      exitCode: a.exitCode === undefined ? 0 : a.exitCode,
      ...(a.status ? { status: a.status } : {}),
    };
  }

  /** POST to a subresource: `eviction` evicts the pod (as evict()); other subresources are 404, as unknown ones are. */
  async createSubresource<T>(path: string, subresource: string, body: unknown, what: string, signal?: AbortSignal): Promise<T> {
    const at = `${path}/${subresource}`;
    this.calls.push({ verb: 'create', path: at, body });
    await this.check('create', at, what, signal);
    if (subresource !== 'eviction') throw this.notFound(at, what);
    const uid = (body as { deleteOptions?: { preconditions?: { uid?: string } } }).deleteOptions?.preconditions?.uid;
    this.evictNow(path, uid, what);
    return { kind: 'Status', apiVersion: 'v1', status: 'Success' } as T;
  }

  /** Evicts at once (no PodDisruptionBudgets here): inject a 429 with fail({ verb: 'evict', ... }) to refuse one. */
  async evict(namespace: string, pod: string, opts: EvictOptions, what: string, signal?: AbortSignal): Promise<void> {
    const path = `/api/v1/namespaces/${namespace}/pods/${pod}`;
    this.calls.push({ verb: 'evict', path: `${path}/eviction`, options: opts });
    await this.check('evict', `${path}/eviction`, what, signal);
    this.evictNow(path, opts.uid, what);
  }

  async getScale(path: string, what: string, signal?: AbortSignal): Promise<Scale> {
    this.calls.push({ verb: 'scale', path: `${path}/scale` });
    await this.check('scale', `${path}/scale`, what, signal);
    const set = this.store.get(keyOf(parsePath(path)));
    if (!set) throw this.notFound(path, what);
    return scaleOf(set);
  }

  /** Sets spec.replicas of the object (a StatefulSet), with the resourceVersion precondition. */
  async patchScale(path: string, replicas: number, opts: ScaleOptions, what: string, signal?: AbortSignal): Promise<Scale> {
    this.calls.push({ verb: 'scale', path: `${path}/scale`, body: { spec: { replicas } }, options: opts });
    await this.check('scale', `${path}/scale`, what, signal);
    const current = this.store.get(keyOf(parsePath(path)));
    if (!current) throw this.notFound(path, what);
    if (opts.resourceVersion && opts.resourceVersion !== current.metadata.resourceVersion) throw this.conflict(path, what);
    const next = structuredClone(current);
    next.spec = { ...(current.spec as object), replicas };
    next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    return scaleOf(this.emit('MODIFIED', next));
  }

  // ---- inside ----------------------------------------------------------------------------------------

  /** The pods/eviction subresource with no budget in the way: the pod is deleted (uid precondition honoured). */
  private async evictByCreate(podPath: string, body: unknown, what: string): Promise<ApiStatus> {
    const uid = (body as { deleteOptions?: { preconditions?: { uid?: string } } }).deleteOptions?.preconditions?.uid;
    try {
      await this.delete(podPath, uid ? { uid } : {}, what);
    } finally {
      this.calls.pop(); // the eviction is the call, not the delete it makes
    }
    return { kind: 'Status', status: 'Success', code: 201 };
  }

  private select(path: string, opts: ListOptions): FakeObject[] {
    const p = parsePath(path);
    const coll = collectionOf(p);
    return [...this.store.entries()]
      .filter(([k, o]) => k.startsWith(`${coll}|`) && (!p.namespace || o.metadata.namespace === p.namespace) && matchesSelectors(o, opts))
      .map(([, o]) => structuredClone(o));
  }

  /** Injected failures, and the signal: the typed errors the real client would throw. */
  private async check(verb: Verb, path: string, what: string, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw errorForAbort(what, signal);
    const bare = path.split('?')[0]!;
    const rule = [...this.rules]
      .reverse()
      .find((r) => r.left > 0 && (!r.verb || r.verb === verb) && (typeof r.path === 'string' ? r.path === bare : r.path.test(bare)));
    if (!rule) return;
    rule.left--;
    if (rule.hang) {
      await new Promise<never>((_, reject) => {
        if (!signal) return; // hangs for good: the test asked for it
        signal.addEventListener('abort', () => reject(errorForAbort(what, signal)), { once: true });
      });
    }
    if (rule.error) throw rule.error;
    if (rule.status !== undefined) {
      const err = errorForStatus(what, rule.status, rule.body ?? status(rule.status, 'Injected', `injected ${rule.status}`), this.server);
      throw isRetryableStatus(rule.status) ? markTransient(err) : err;
    }
  }

  private evictNow(podPath: string, uid: string | undefined, what: string): void {
    const current = this.store.get(keyOf(parsePath(podPath)));
    if (!current) throw this.notFound(podPath, what);
    if (uid && uid !== current.metadata.uid) throw this.conflict(podPath, what);
    this.emit('DELETED', current);
  }

  private notFound(path: string, what: string): Error {
    const p = parsePath(path);
    return errorForStatus(
      what,
      404,
      status(404, 'NotFound', `${p.plural} "${p.name}" not found`, { name: p.name, kind: p.plural }),
      this.server,
    );
  }

  private conflict(path: string, what: string): Error {
    const p = parsePath(path);
    return errorForStatus(
      what,
      409,
      status(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${p.plural} "${p.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: p.name, kind: p.plural },
      ),
      this.server,
    );
  }

  /** One watch connection: history after `from`, then live events, until dropped or aborted. */
  private async *stream(
    p: Parsed,
    path: string,
    opts: ListOptions,
    what: string,
    from: number,
    signal: AbortSignal,
  ): AsyncGenerator<RawWatchEvent> {
    await this.check('watch', path, what, signal);
    if (from < this.historyStart) {
      yield { type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from} (${this.historyStart})`) };
      return;
    }
    const coll = collectionOf(p);
    const wanted = (e: LogEvent) =>
      e.collection === coll && (!p.namespace || e.object.metadata.namespace === p.namespace) && matchesSelectors(e.object, opts);
    const queue: (LogEvent | 'drop')[] = this.log.filter((e) => e.rv > from);
    let wake: (() => void) | undefined;
    const conn = {
      push: (e: LogEvent | 'drop') => {
        queue.push(e);
        wake?.();
      },
    };
    const onAbort = () => wake?.();
    this.streams.add(conn);
    signal.addEventListener('abort', onAbort);
    for (const w of this.connectionWaiters.splice(0)) w();
    try {
      for (;;) {
        if (signal.aborted) throw errorForAbort(what, signal);
        const e = queue.shift();
        if (e === 'drop') return;
        if (e === undefined) {
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        if (wanted(e)) yield { type: e.type, object: structuredClone(e.object) };
      }
    } finally {
      this.streams.delete(conn);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** The autoscaling/v1 Scale the API server answers for a StatefulSet. */
function scaleOf(set: FakeObject): Scale {
  const spec = set.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } } | undefined;
  const status = set.status as { replicas?: number } | undefined;
  const labels = Object.entries(spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { ...structuredClone(set.metadata) },
    spec: { replicas: spec?.replicas ?? 1 },
    status: { replicas: status?.replicas ?? 0, ...(labels.length ? { selector: labels.join(',') } : {}) },
  };
}

/**
 * The operation record a patch body writes: its annotation as a merge patch names it (the lease's take) or the
 * value of a JSON patch's replace/add on it (every later write, under a `test`); null for a removal; undefined
 * when the patch does not touch the record.
 */
export function recordWritten(body: unknown, annotation = 'sts-inspect.io/operation'): string | null | undefined {
  if (Array.isArray(body)) {
    const path = `/metadata/annotations/${annotation.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const op = (body as { op: string; path: string; value?: unknown }[]).find((x) => x.path === path && x.op !== 'test');
    if (!op) return undefined;
    return op.op === 'remove' ? null : (op.value as string);
  }
  const annotations = (body as { metadata?: { annotations?: Record<string, string | null> } } | null)?.metadata?.annotations;
  return annotations && annotation in annotations ? annotations[annotation] : undefined;
}
