// How the controllers write: through the API's verbs (apiserver/rest.ts), so that what they create gets the
// same defaulting, admission and validation as a request from kubectl (a pod's service account, tolerations
// and Pending status; a claim's default storage class; Forbidden in a terminating namespace). Reads go to
// the store (the controllers' informers).

import { ApiCore } from '../apiserver/rest.ts';
import type { SimContext } from '../context.ts';
import { ApiError } from '../status.ts';
import { resourceType } from '../resources.ts';
import type { DeleteOptions, KObject } from '../store.ts';

/** Attempts of a read-modify-write before a conflict is given up to the work queue's retry. */
const RETRIES = 5;

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

  update(key: string, obj: KObject, opts: { subresource?: 'status' | 'finalize' } = {}): KObject {
    return this.api.update(resourceType(key), obj.metadata.namespace, obj.metadata.name!, obj, opts);
  }

  delete(key: string, ns: string | undefined, name: string, opts: DeleteOptions = {}): { object: KObject; deleted: boolean } {
    return this.api.delete(resourceType(key), ns, name, opts);
  }

  /**
   * Read, change, write; on a conflict read again and retry (client-go's retry.RetryOnConflict). `change`
   * edits the object in place, or returns false when there is nothing to write. Answers the written object,
   * or undefined when there was nothing to write or the object is gone.
   */
  modify(
    key: string,
    ns: string | undefined,
    name: string,
    change: (obj: KObject) => boolean | void,
    opts: { subresource?: 'status' | 'finalize' } = {},
  ): KObject | undefined {
    for (let attempt = 1; ; attempt++) {
      const obj = this.get(key, ns, name);
      if (!obj || change(obj) === false) return undefined;
      try {
        return this.update(key, obj, opts);
      } catch (err) {
        if (err instanceof ApiError && err.reason === 'NotFound') return undefined;
        if (!(err instanceof ApiError && err.reason === 'Conflict') || attempt === RETRIES) throw err;
      }
    }
  }
}

/**
 * Runs a write whose object may have moved on meanwhile: NotFound (it is gone) and Conflict (it changed; the
 * change brings it back to the work queue) are not failures. Answers the write's result, or undefined.
 */
export function ignoreGone<T>(write: () => T): T | undefined {
  try {
    return write();
  } catch (err) {
    if (err instanceof ApiError && (err.reason === 'NotFound' || err.reason === 'Conflict')) return undefined;
    throw err;
  }
}
