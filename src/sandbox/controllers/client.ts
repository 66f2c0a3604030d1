// How the controllers write. A real controller talks to the API server, which admits what it creates
// (namespace lifecycle, pod status on create); in-process controllers write to the store, so the part of
// admission their writes rely on is applied here.

import { R } from '../resources.ts';
import { ApiError } from '../status.ts';
import type { DeleteOptions, KObject, Store } from '../store.ts';

export class ControllerClient {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  get(key: string, ns: string | undefined, name: string): KObject | undefined {
    return this.store.get(key, ns, name);
  }

  create(key: string, obj: KObject): KObject {
    const ns = obj.metadata.namespace;
    if (ns) {
      const nsObj = this.store.get(R.namespaces, undefined, ns);
      if (nsObj?.metadata.deletionTimestamp) {
        const kind = obj.kind ?? key;
        throw new ApiError(
          403,
          'Forbidden',
          `${kind.toLowerCase()}s "${obj.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        );
      }
    }
    const input = key === R.pods ? preparePodForCreate(obj) : obj;
    return this.store.create(key, input);
  }

  update(key: string, obj: KObject, opts: { subresource?: 'status' } = {}): KObject {
    return this.store.update(key, obj, opts);
  }

  delete(key: string, ns: string | undefined, name: string, opts: DeleteOptions = {}): { object: KObject; deleted: boolean } {
    return this.store.delete(key, ns, name, opts);
  }
}

interface ContainerView {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** What the API server's pod strategy does on create: status is reset to Pending with its QoS class. */
function preparePodForCreate(pod: KObject): KObject {
  const spec = (pod.spec ?? {}) as { containers?: ContainerView[]; initContainers?: ContainerView[] };
  return { ...pod, status: { phase: 'Pending', qosClass: qosClass([...(spec.initContainers ?? []), ...(spec.containers ?? [])]) } };
}

function qosClass(containers: ContainerView[]): string {
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
