// STUB: the API server (owned by the API-server work). Signature is the contract used by src/sandbox/index.ts.
import type { SimContext } from '../context.ts';
import type { PodRuntime } from '../runtime.ts';
import type { KObject } from '../store.ts';
import type { Faults } from './faults.ts';

export interface ApiServerOptions {
  host?: string;
  port?: number;
  token: string;
}

/** The API as in-process callers (manifest apply, tests) use it: the same admission as HTTP requests. */
export interface InProcessApi {
  /** Create, or update when it exists (as `kubectl apply` ends up doing). Returns the stored object. */
  apply(obj: KObject): Promise<KObject>;
}

export interface ApiServer {
  url: string;
  caPem: string;
  faults: Faults;
  api: InProcessApi;
  close(): Promise<void>;
}

export async function startApiServer(_ctx: SimContext, _runtime: PodRuntime, _opts: ApiServerOptions): Promise<ApiServer> {
  throw new Error('api server: not built yet');
}
