import { describe, expect, it } from 'vitest';
import { helmColumn, releaseState } from '../../../src/core/helm.ts';

describe('helmColumn', () => {
  it.each([
    [
      {
        labels: { 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'web-app-0.1.0' },
        annotations: { 'meta.helm.sh/release-name': 'web-app' },
      },
      'web-app/web-app-0.1.0',
    ],
    [{ labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'vault' } }, 'vault'],
    [{ labels: { chart: 'old-1.0.0' }, annotations: { 'meta.helm.sh/release-name': 'old' } }, 'old/old-1.0.0'],
    [{ labels: { app: 'web' } }, ''],
    [{}, ''],
  ])('%j -> %s', (meta, want) => {
    expect(helmColumn(meta)).toBe(want);
  });
});

describe('releaseState', () => {
  const rec = (version: string, status: string) => ({ labels: { owner: 'helm', name: 'web-app', version, status } });
  it.each([
    [
      'the highest revision wins, whatever the order',
      [rec('1', 'superseded'), rec('3', 'deployed'), rec('2', 'superseded')],
      { revision: 3, status: 'deployed' },
    ],
    ['revisions compare as numbers, not strings', [rec('9', 'superseded'), rec('10', 'failed')], { revision: 10, status: 'failed' }],
    [
      'a pending upgrade is the latest record',
      [rec('1', 'deployed'), rec('2', 'pending-upgrade')],
      { revision: 2, status: 'pending-upgrade' },
    ],
    [
      'records without a usable version are skipped',
      [{ labels: { owner: 'helm' } }, rec('x', 'deployed'), rec('1', 'deployed')],
      { revision: 1, status: 'deployed' },
    ],
  ])('%s', (_why, records, want) => {
    expect(releaseState(records, 'secret')).toEqual({ ...want, driver: 'secret' });
  });

  it('no records: null', () => {
    expect(releaseState([], 'configmap')).toBeNull();
    expect(releaseState([{ labels: { status: 'deployed' } }], 'configmap')).toBeNull();
  });

  it('a record without a status label: unknown', () => {
    expect(releaseState([{ labels: { version: '4' } }], 'configmap')).toEqual({ revision: 4, status: 'unknown', driver: 'configmap' });
  });
});
