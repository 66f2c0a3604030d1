import { describe, expect, it } from 'vitest';
import { METADATA_LIST_ACCEPT, type KubeClient, type ListOptions } from '../../../src/kube/client.ts';
import { errorForStatus } from '../../../src/kube/errors.ts';
import { readHelmReleaseState } from '../../../src/workload/helmRecords.ts';

type Answer = { items: unknown[] } | number;

/** Only list() is used: each call records its path and options and gets the scripted answer for its resource. */
function stub(answers: { secrets: Answer; configmaps?: Answer }) {
  const calls: { path: string; opts: ListOptions }[] = [];
  const client = {
    server: 'https://fake:6443',
    list(path: string, opts: ListOptions, what: string) {
      calls.push({ path, opts });
      const a = path.endsWith('/secrets') ? answers.secrets : (answers.configmaps ?? { items: [] });
      if (typeof a === 'number')
        return Promise.reject(errorForStatus(what, a, { kind: 'Status', code: a, message: `secrets is forbidden` }, 'https://fake:6443'));
      return Promise.resolve({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadataList', metadata: {}, items: a.items });
    },
  } as unknown as KubeClient;
  return { client, calls };
}

const meta = (version: string, status: string) => ({
  kind: 'PartialObjectMetadata',
  metadata: { name: `sh.helm.release.v1.web.v${version}`, labels: { owner: 'helm', name: 'web', version, status } },
});

describe('readHelmReleaseState', () => {
  it('lists the Secrets of the release by metadata only and takes the latest revision', async () => {
    const { client, calls } = stub({ secrets: { items: [meta('1', 'superseded'), meta('2', 'deployed')] } });
    const warnings: string[] = [];
    expect(await readHelmReleaseState(client, 'w4', 'web', warnings)).toEqual({ revision: 2, status: 'deployed', driver: 'secret' });
    expect(calls).toEqual([
      { path: '/api/v1/namespaces/w4/secrets', opts: { labelSelector: 'owner=helm,name=web', accept: METADATA_LIST_ACCEPT } },
    ]);
    expect(METADATA_LIST_ACCEPT).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    expect(warnings).toEqual([]);
  });

  it('no Secrets: the ConfigMaps of the configmap driver, by metadata only too', async () => {
    const { client, calls } = stub({ secrets: { items: [] }, configmaps: { items: [meta('5', 'failed')] } });
    expect(await readHelmReleaseState(client, 'w4', 'web', [])).toEqual({ revision: 5, status: 'failed', driver: 'configmap' });
    expect(calls.map((c) => [c.path, c.opts.accept])).toEqual([
      ['/api/v1/namespaces/w4/secrets', METADATA_LIST_ACCEPT],
      ['/api/v1/namespaces/w4/configmaps', METADATA_LIST_ACCEPT],
    ]);
  });

  it('a 403 is a warning and the state unknown', async () => {
    const { client } = stub({ secrets: 403 });
    const warnings: string[] = [];
    expect(await readHelmReleaseState(client, 'w4', 'web', warnings)).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /list secrets \(metadata only\) of Helm release w4\/web: .*forbidden.*\(Helm revision and status shown as unknown\)/,
    );
  });

  it('no records anywhere: null without a warning', async () => {
    const warnings: string[] = [];
    expect(await readHelmReleaseState(stub({ secrets: { items: [] } }).client, 'w4', 'web', warnings)).toBeNull();
    expect(warnings).toEqual([]);
  });
});
