// The question a resumed persistence check asks on a terminal (found in tmux): it names the pods judged and left,
// from the record — a pod whose verdict is kept counts as judged even when the stop came before its compare step
// was written done (the resume skips it too), which a Ctrl-C right after the verdict line hits.

import { describe, expect, it } from 'vitest';
import type { PersistencePlan } from '../../../src/commands/persistence/plan.ts';
import { consentQuestion } from '../../../src/commands/persistence/render.ts';

const plan = {
  namespace: 'default',
  name: 'app-parallel',
  steps: ['app-parallel-2', 'app-parallel-1', 'app-parallel-0'].map((pod) => ({ pod })),
} as unknown as PersistencePlan;

describe('consentQuestion', () => {
  it.each([
    ['a fresh check', undefined, 'delete pods app-parallel-2, app-parallel-1, app-parallel-0 in namespace default, one at a time?'],
    [
      'resumed after app-parallel-2 was judged',
      { startedAt: 'T', done: ['prepare:app-parallel-2', 'evict:app-parallel-2', 'compare:app-parallel-2'], values: {} },
      'resume the persistence check of statefulset app-parallel in namespace default started at T (app-parallel-1, app-parallel-0 left; app-parallel-2 done)?',
    ],
    [
      'stopped between the verdict and the record of its step: judged all the same',
      { startedAt: 'T', done: ['prepare:app-parallel-2', 'evict:app-parallel-2'], values: { 'result:app-parallel-2': '{}' } },
      'resume the persistence check of statefulset app-parallel in namespace default started at T (app-parallel-1, app-parallel-0 left; app-parallel-2 done)?',
    ],
    [
      'stopped while app-parallel-2 was down: left',
      { startedAt: 'T', done: ['prepare:app-parallel-2'], values: { 'removed:app-parallel-2': 'u' } },
      'resume the persistence check of statefulset app-parallel in namespace default started at T (app-parallel-2, app-parallel-1, app-parallel-0 left)?',
    ],
  ])('%s', (_why, resumed, want) => expect(consentQuestion(plan, resumed)).toBe(want));
});
