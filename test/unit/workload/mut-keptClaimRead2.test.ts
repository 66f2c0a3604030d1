// src/workload/keptClaimRead.ts, from the survivors of its mutation run (README "Mutation testing"): the read of a
// kept claim says by which rule it placed --file and the path it tried (the header and a not-found message show
// them): a relative --file is on the claim's mount, an absolute one is read as given.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { readKeptClaim, type KeptReadOptions } from '../../../src/workload/keptClaimRead.ts';
import { FakeKubeClient } from '../../helpers/fake-client.ts';

const NS = 'demo';

const set: StatefulSet = {
  metadata: { name: 'web', namespace: NS },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      spec: { containers: [{ name: 'app', image: 'postgres:16', volumeMounts: [{ name: 'data', mountPath: '/var/lib/data' }] }] },
    },
  },
};

const mounting: Pod = {
  metadata: { name: 'debug-1', namespace: NS },
  spec: {
    containers: [{ name: 'shell', volumeMounts: [{ name: 'kept', mountPath: '/pgdata' }] }],
    volumes: [{ name: 'kept', persistentVolumeClaim: { claimName: 'data-web-2' } }],
  },
};

const claim = { claim: 'data-web-2', template: 'data', mountedBy: ['debug-1'] };

function cluster(found: boolean): FakeKubeClient {
  const c = new FakeKubeClient();
  c.execHandler = (o) =>
    o.command[0] === 'df'
      ? { stdout: Buffer.from(''), exitCode: 1 }
      : found
        ? { stdout: Buffer.from('16\n'), exitCode: 0 }
        : { stderr: Buffer.from(`head: ${o.command.at(-1)}: No such file or directory\n`), exitCode: 1 };
  return c;
}

const opts = (file: string): KeptReadOptions => ({ file, maxBytes: 100, timeoutMs: 2000, signal: new AbortController().signal });

describe('readKeptClaim: the rule and the path tried', () => {
  it.each([
    ['a relative --file: on the claim mount', 'PG_VERSION', '/pgdata/PG_VERSION', 'mount', '/pgdata/PG_VERSION (claim mount)'],
    ['a relative path with a slash at its end', 'base/', '/pgdata/base/', 'mount', '/pgdata/base/ (claim mount)'],
    ['an absolute --file: as given', '/etc/hostname', '/etc/hostname', 'absolute', '/etc/hostname'],
  ])('%s', async (_name, file, path, rule, tried) => {
    const read = (await readKeptClaim(cluster(true), set, claim, [mounting], opts(file))).file;
    expect(read).toMatchObject({ ok: true, path, container: 'shell', rule, tried: [tried], content: '16\n' });
  });

  it.each([
    ['relative', 'PG_VERSION', ['/pgdata/PG_VERSION (claim mount)']],
    ['absolute', '/pgdata/PG_VERSION', ['/pgdata/PG_VERSION']],
  ])('a %s --file not found: the read says where it looked', async (_name, file, tried) => {
    const read = (await readKeptClaim(cluster(false), set, claim, [mounting], opts(file))).file;
    expect(read).toMatchObject({ ok: false, path: '/pgdata/PG_VERSION', container: 'shell', rule: null, tried });
    expect(read.error).toMatch(/not found/);
  });
});
