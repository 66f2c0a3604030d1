// A StepContext (src/workload/execute.ts) around a fake client, for unit tests of one step handler at a time:
// the record it sees, what it remembers and the events it emits are kept for assertions.

import type { Operation, OperationRecord } from '../../src/core/operation.ts';
import type { ExecutionEvent, StepContext } from '../../src/workload/execute.ts';
import type { FakeKubeClient } from './fake-client.ts';

export interface TestContext extends StepContext {
  events: ExecutionEvent[];
  remembered: [string, string][];
}

export function stepContext(
  client: FakeKubeClient,
  o: { signal?: AbortSignal; values?: Record<string, string>; revision?: string | null; options?: StepContext['options'] } = {},
): TestContext {
  const record: OperationRecord = {
    command: 'test',
    flags: [],
    revision: o.revision ?? null,
    done: [],
    startedAt: '2026-12-05T19:00:00Z',
    values: { ...o.values },
  };
  const operation: Operation = {
    command: 'test',
    flags: [],
    target: { kind: 'StatefulSet', namespace: 'demo', name: 'web' },
    pods: [],
    podSelector: 'app=web',
    targetRevision: null,
    steps: [],
    ordinals: [],
    budgets: [],
    notes: [],
  };
  const events: ExecutionEvent[] = [];
  const remembered: [string, string][] = [];
  return {
    client,
    signal: o.signal ?? new AbortController().signal,
    operation,
    record,
    options: o.options ?? {},
    emit: (e) => events.push(e),
    remember: (key, value) => {
      record.values[key] = value;
      remembered.push([key, value]);
      return Promise.resolve();
    },
    events,
    remembered,
  };
}
