// A KubeClient over in-memory objects (the real 1.20 fixtures by default), counting its calls, with
// scripted failures and exec answers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecOptions, ExecResult, KubeClient, ListOptions } from '../../../src/kube/client.ts';
import { errorForStatus } from '../../../src/kube/errors.ts';
import type { KubeList } from '@sts-inspect/k8s';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'real-k8s-1.20');

export function fixture<T = any>(rel: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, rel), 'utf8')) as T;
}

export interface FakeState {
  statefulsets: any[];
  pods: any[];
  pvcs: any[];
  services: any[];
  events: any[];
  controllerrevisions: any[];
  namespaces: string[];
}

export function demoState(): FakeState {
  return {
    statefulsets: [fixture('objects/statefulset.json')],
    pods: fixture('objects/pods.json').items,
    pvcs: fixture('objects/pvcs.json').items,
    services: [fixture('objects/service.json')],
    events: fixture('objects/events.json').items,
    controllerrevisions: fixture('objects/controllerrevisions.json').items,
    namespaces: ['default', 'demo'],
  };
}

type ExecAnswer = Partial<ExecResult> | Error | ((o: ExecOptions) => Partial<ExecResult> | Error);

export class FakeClient implements KubeClient {
  readonly server = 'https://fake.example:6443';
  readonly calls: string[] = [];
  readonly execs: ExecOptions[] = [];
  /** path regexp -> [status, body] to fail with */
  readonly failures: [RegExp, number, unknown][] = [];
  execAnswer: ExecAnswer = (o) => ({ stdout: Buffer.from(`content of ${o.pod}\n`), exitCode: 0 });
  state: FakeState;

  constructor(state: FakeState = demoState()) {
    this.state = state;
  }

  fail(path: RegExp, status: number, body: unknown = { kind: 'Status', code: status, message: `fake ${status}` }): this {
    this.failures.push([path, status, body]);
    return this;
  }

  private check(path: string, what: string): void {
    for (const [re, status, body] of this.failures) if (re.test(path)) throw errorForStatus(what, status, body, this.server);
  }

  private nsOf(path: string): string | undefined {
    return /\/namespaces\/([^/]+)/.exec(path)?.[1];
  }

  private matches(obj: any, labelSelector?: string): boolean {
    if (!labelSelector) return true;
    return labelSelector.split(',').every((term) => {
      const [k, v] = term.split('=');
      return obj.metadata?.labels?.[k!] === v;
    });
  }

  async get<T>(path: string, what: string): Promise<T> {
    this.calls.push(`GET ${path}`);
    this.check(path, what);
    const ns = this.nsOf(path);
    const parts = path.split('/');
    const name = parts[parts.length - 1];
    const kind = parts[parts.length - 2];
    if (kind === 'namespaces') {
      if (this.state.namespaces.includes(name!)) return { metadata: { name } } as T;
    } else {
      const coll = (this.state as any)[kind!] as any[];
      const found = coll?.find((o) => o.metadata.name === name && o.metadata.namespace === ns);
      if (found) return structuredClone(found) as T;
    }
    throw errorForStatus(what, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: `${kind} "${name}" not found` }, this.server);
  }

  async list<T>(path: string, opts: ListOptions, what: string): Promise<KubeList<T>> {
    this.calls.push(
      `LIST ${path}${opts.labelSelector ? ` l=${opts.labelSelector}` : ''}${opts.fieldSelector ? ` f=${opts.fieldSelector}` : ''}`,
    );
    this.check(path, what);
    const ns = this.nsOf(path);
    const kind = path.split('/').pop()!;
    const key = kind === 'persistentvolumeclaims' ? 'pvcs' : kind;
    if (path === '/api/v1/namespaces') return { items: this.state.namespaces.map((name) => ({ metadata: { name } })) as T[] };
    const coll = ((this.state as any)[key] as any[]) ?? [];
    const byName = /^metadata\.name=(.*)$/.exec(opts.fieldSelector ?? '')?.[1];
    const items = coll.filter(
      (o) => (!ns || o.metadata.namespace === ns) && this.matches(o, opts.labelSelector) && (!byName || o.metadata.name === byName),
    );
    return { items: structuredClone(items) as T[] };
  }

  // The inspect command only reads; the writes and watch of the full seam live in test/helpers/fake-client.ts.
  watch(): never {
    throw new Error('FakeClient (inspect): watch is not used by inspect');
  }
  create(): never {
    throw new Error('FakeClient (inspect): create is not used by inspect');
  }
  patch(): never {
    throw new Error('FakeClient (inspect): patch is not used by inspect');
  }
  delete(): never {
    throw new Error('FakeClient (inspect): delete is not used by inspect');
  }
  createSubresource(): never {
    throw new Error('FakeClient (inspect): createSubresource is not used by inspect');
  }
  getScale(): never {
    throw new Error('FakeClient (inspect): getScale is not used by inspect');
  }
  patchScale(): never {
    throw new Error('FakeClient (inspect): patchScale is not used by inspect');
  }
  evict(): never {
    throw new Error('FakeClient (inspect): evict is not used by inspect');
  }

  async exec(o: ExecOptions): Promise<ExecResult> {
    this.calls.push(`EXEC ${o.pod} ${o.command.join(' ')}`);
    this.execs.push(o);
    let a = this.execAnswer;
    if (typeof a === 'function') a = a(o);
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
}
