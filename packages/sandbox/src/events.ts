// Events as the controllers and the kubelet record them (core/v1 Event): one object per involved object,
// reason and message, whose count and lastTimestamp grow when the same thing happens again.

import type { KObject, Store } from './store.ts';
import { R } from './resources.ts';

export interface EventSource {
  component: string;
  host?: string;
}

export class EventRecorder {
  private readonly store: Store;
  private seq = 0;
  private readonly byKey = new Map<string, string>();

  constructor(store: Store) {
    this.store = store;
  }

  record(involved: KObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    const meta = involved.metadata;
    const ns = meta.namespace ?? 'default';
    const key = [ns, involved.kind, meta.name, meta.uid, fieldPath ?? '', reason, message, source.component].join('\u0000');
    const now = this.store.timestamp();
    const existingName = this.byKey.get(key);
    if (existingName) {
      const ev = this.store.get(R.events, ns, existingName);
      if (ev) {
        ev.count = ((ev.count as number | undefined) ?? 1) + 1;
        ev.lastTimestamp = now;
        this.store.update(R.events, ev);
        return;
      }
    }
    // Real event names are <object>.<hex timestamp>; a counter keeps them unique and ordered.
    const name = `${meta.name}.${(Date.now() * 1000 + (this.seq++ % 1000)).toString(16)}`;
    this.store.create(R.events, {
      metadata: { name, namespace: ns },
      involvedObject: {
        kind: involved.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: meta.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
    this.byKey.set(key, name);
  }
}
