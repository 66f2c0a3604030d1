// How the controllers write: through the API's verbs (apiserver/rest.ts), so that what they create gets the
// same defaulting, admission and validation as a request from kubectl (a pod's service account, tolerations
// and Pending status; a claim's default storage class; Forbidden in a terminating namespace). Reads go to
// the store (the controllers' informers).

import { ApiCore } from '../apiserver/rest.ts';
import type { SimContext } from '../context.ts';
import { resourceType } from '../resources.ts';
import type { DeleteOptions, KObject } from '../store.ts';

export class ControllerClient {
  private readonly ctx: SimContext;
  private readonly api: ApiCore;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
    this.api = new ApiCore(ctx);
  }

  get(key: string, ns: string | undefined, name: string): KObject | undefined {
    return this.ctx.store.get(key, ns, name);
  }

  create(key: string, obj: KObject): KObject {
    return this.api.create(resourceType(key), obj.metadata.namespace, obj);
  }

  update(key: string, obj: KObject, opts: { subresource?: 'status' } = {}): KObject {
    return this.api.update(resourceType(key), obj.metadata.namespace, obj.metadata.name!, obj, opts);
  }

  delete(key: string, ns: string | undefined, name: string, opts: DeleteOptions & { propagationPolicy?: string } = {}): { object: KObject; deleted: boolean } {
    return this.api.delete(resourceType(key), ns, name, opts);
  }
}
