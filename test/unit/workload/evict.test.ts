// Eviction over the recorded answers of a real 1.20 control plane (test/fixtures/real-k8s-1.20/eviction/):
// the version from discovery, the fallback from a policy/v1 body, a budget's 429 waited out, the UID
// precondition, and --disable-eviction.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '@sts-inspect/k8s';
import { CheckFailed, ExitCode, InterruptedError } from '../../../src/errors.ts';
import type { ApiStatus } from '../../../src/kube/errors.ts';
import { EvictionBlockedError, listBudgets, removePod, type EvictionEvent } from '../../../src/workload/evict.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const dir = join(import.meta.dirname, '../../fixtures/real-k8s-1.20/eviction');
const fixture = <T = ApiStatus>(f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T;

const EVICTION = /\/pods\/web-1\/eviction$/;

function pod(name: string): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'fx-evict', labels: { app: 'web' } },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function cluster(o: { discovery?: 'v1beta1' | 'forbidden' } = {}): { fake: FakeKubeClient; web1: Pod } {
  const fake = new FakeKubeClient([pod('web-0'), pod('web-1'), pod('web-2')]);
  if (o.discovery === 'forbidden') fake.fail({ verb: 'get', path: '/apis/policy', status: 403 });
  else fake.serve('/apis/policy', fixture('200-discovery-policy.json'));
  const pdb = fixture<FakeObject>('200-pdb-maxunavailable-0.json');
  fake.apply(pdb);
  return { fake, web1: fake.object<Pod>('/api/v1/namespaces/fx-evict/pods/web-1')! };
}

const evictions = (fake: FakeKubeClient) => fake.calls.filter((c) => c.verb === 'create' && EVICTION.test(c.path));
const gone = (fake: FakeKubeClient, name: string) => fake.object(`/api/v1/namespaces/fx-evict/pods/${name}`) === undefined;

describe('removePod through the Eviction API (1.20 answers)', () => {
  it('1.20 discovery lists only policy/v1beta1: the eviction is sent as v1beta1, with the uid precondition', async () => {
    const { fake, web1 } = cluster();
    const outcome = await removePod(fake, web1, { signal: new AbortController().signal });
    expect(outcome).toBe('evicted');
    const [call] = evictions(fake);
    expect(call?.body).toMatchObject({
      apiVersion: 'policy/v1beta1',
      kind: 'Eviction',
      metadata: { name: 'web-1', namespace: 'fx-evict' },
      deleteOptions: { preconditions: { uid: web1.metadata.uid } },
    });
    expect(gone(fake, 'web-1')).toBe(true);
    expect(fake.calls.some((c) => c.verb === 'delete')).toBe(false);
  });

  it('discovery forbidden: tries policy/v1, and on 1.20 400 ("no kind Eviction ... policy/v1") retries as v1beta1', async () => {
    const { fake, web1 } = cluster({ discovery: 'forbidden' });
    fake.fail({ verb: 'create', path: EVICTION, status: 400, body: fixture('400-eviction-policy-v1-body.json'), times: 1 });
    expect(await removePod(fake, web1, { signal: new AbortController().signal })).toBe('evicted');
    expect(evictions(fake).map((c) => (c.body as { apiVersion: string }).apiVersion)).toEqual(['policy/v1', 'policy/v1beta1']);
  });

  it('a 429 from the budget is waited out, naming the budget and its disruptionsAllowed, then retried', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: fixture('429-pdb-violation.json'), times: 2 });
    const events: EvictionEvent[] = [];
    const outcome = await removePod(fake, web1, { signal: new AbortController().signal, retryEveryMs: 1, onEvent: (e) => events.push(e) });
    expect(outcome).toBe('evicted');
    expect(events).toEqual([
      expect.objectContaining({ type: 'eviction-blocked', pod: 'web-1', budget: 'web', disruptionsAllowed: 0, attempt: 1 }),
      expect.objectContaining({ attempt: 2, cause: 'The disruption budget web needs 3 healthy pods and has 3 currently' }),
    ]);
    expect(evictions(fake)).toHaveLength(3);
  });

  it('refused until the timeout: EvictionBlockedError, exit 8, the pod untouched', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: fixture('429-pdb-violation.json') });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new CheckFailed('timed out after 50ms')), 50);
    const err = await removePod(fake, web1, { signal: ac.signal, retryEveryMs: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvictionBlockedError);
    expect((err as EvictionBlockedError).exitCode).toBe(ExitCode.CHECK_FAILED);
    expect((err as Error).message).toMatch(
      /disruption budget web \(disruptionsAllowed 0\) refused the eviction of pod web-1.*nothing was deleted/,
    );
    expect(gone(fake, 'web-1')).toBe(false);
    expect(fake.calls.some((c) => c.verb === 'delete')).toBe(false);
  });

  it('Ctrl-C while blocked stays an interruption (130), not a failed check', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: fixture('429-pdb-violation.json') });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new InterruptedError('interrupted')), 20);
    const err = await removePod(fake, web1, { signal: ac.signal, retryEveryMs: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
  });

  it.each([['404 (the pod is gone)', 404, '404-eviction-missing-pod.json', 'already-gone']])(
    '%s -> %s',
    async (_what, status, file, outcome) => {
      const { fake, web1 } = cluster();
      fake.fail({ verb: 'create', path: EVICTION, status, body: fixture(file) });
      expect(await removePod(fake, web1, { signal: new AbortController().signal })).toBe(outcome);
    },
  );

  it('a successor of the same name is never evicted: the uid precondition fails -> already-replaced', async () => {
    const { fake, web1 } = cluster();
    fake.remove('/api/v1/namespaces/fx-evict/pods/web-1');
    fake.apply(pod('web-1'));
    expect(await removePod(fake, web1, { signal: new AbortController().signal })).toBe('already-replaced');
    expect(gone(fake, 'web-1')).toBe(false);
  });

  it('--disable-eviction deletes directly with the uid precondition, as kubectl drain does', async () => {
    const { fake, web1 } = cluster();
    expect(await removePod(fake, web1, { signal: new AbortController().signal, disableEviction: true })).toBe('deleted');
    expect(evictions(fake)).toHaveLength(0);
    expect(fake.calls.find((c) => c.verb === 'delete')?.options).toMatchObject({ uid: web1.metadata.uid });
  });
});

describe('listBudgets: the plan reads budgets without a discovery round trip first', () => {
  const PDB_LIST = /\/poddisruptionbudgets$/;
  const asked = (fake: FakeKubeClient) =>
    fake.calls.filter((c) => c.path === '/apis/policy' || PDB_LIST.test(c.path)).map((c) => c.path.split('/namespaces/')[0]);

  it('a server with policy/v1 (1.21+): one list, in policy/v1, and no discovery', async () => {
    const fake = new FakeKubeClient([{ ...fixture<FakeObject>('200-pdb-maxunavailable-0.json'), apiVersion: 'policy/v1' }]);
    const budgets = await listBudgets(fake, 'fx-evict');
    expect(budgets?.map((b) => b.metadata?.name)).toEqual(['web']);
    expect(asked(fake)).toEqual(['/apis/policy/v1']);
  });

  it('1.20: policy/v1 answers 404 (the recorded answer), then discovery names v1beta1, listed there', async () => {
    const { fake } = cluster();
    fake.fail({
      verb: 'list',
      path: /^\/apis\/policy\/v1\/.*poddisruptionbudgets$/,
      status: 404,
      body: fixture('404-create-pdb-policy-v1.json'),
    });
    const budgets = await listBudgets(fake, 'fx-evict');
    expect(budgets?.map((b) => b.metadata?.name)).toEqual(['web']);
    expect(asked(fake)).toEqual(['/apis/policy/v1', '/apis/policy', '/apis/policy/v1beta1']);
  });

  it('budgets not readable (403): null, the plan says budgets unknown', async () => {
    const { fake } = cluster();
    fake.fail({ verb: 'list', path: PDB_LIST, status: 403 });
    expect(await listBudgets(fake, 'fx-evict')).toBeNull();
  });
});
