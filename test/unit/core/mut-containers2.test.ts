// src/core/containers.ts, from the survivors of its mutation run (README "Mutation testing"): which container an
// absolute --file is read from when the containers mount several volumes, none, or the same path, and whether a
// path lies on a mount written with trailing slashes or on `/`.

import { describe, expect, it } from 'vitest';
import type { Container, Pod, StatefulSet } from '@sts-inspect/k8s';
import { DEFAULT_CONTAINER_ANNOTATION, fileContainer, isUnder } from '../../../src/core/containers.ts';

const set: StatefulSet = { metadata: { name: 'web' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } };
const pod = (containers: Container[], annotations?: Record<string, string>): Pod => ({
  metadata: { name: 'web-0', ...(annotations ? { annotations } : {}) },
  spec: { containers },
});

describe('fileContainer: an absolute --file', () => {
  const app: Container = {
    name: 'app',
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app' },
      { name: 'data', mountPath: '/data' },
    ],
  };

  it('a sidecar without volumeMounts comes first: the one container mounting the path among several mounts is read', () => {
    expect(fileContainer(pod([{ name: 'proxy' }, app]), set, '/data/visits.txt', undefined)).toEqual({
      ok: true,
      container: 'app',
      why: 'volume',
    });
  });

  it('two containers mount the path: the default container stays (no guess between them)', () => {
    const other: Container = { name: 'backup', volumeMounts: [{ name: 'data', mountPath: '/data' }] };
    const annotated = { [DEFAULT_CONTAINER_ANNOTATION]: 'app' };
    expect(fileContainer(pod([other, app], annotated), set, '/data/visits.txt', undefined)).toEqual({
      ok: true,
      container: 'app',
      why: 'annotation',
    });
    expect(fileContainer(pod([{ name: 'proxy' }, other, app]), set, '/data/visits.txt', undefined)).toEqual({
      ok: true,
      container: 'proxy',
      why: 'first',
    });
  });
});

describe('isUnder', () => {
  it.each<[string, string, boolean]>([
    ['/data/x', '/data/', true],
    ['/data/x', '/data//', true],
    ['/data', '/data//', true],
    ['/datax', '/data/', false],
    ['/x', '/', false],
    ['/', '/', false],
    ['/x', '//', false],
  ])('%s on a mount at %s: %s', (path, mount, under) => {
    expect(isUnder(path, mount)).toBe(under);
  });
});
