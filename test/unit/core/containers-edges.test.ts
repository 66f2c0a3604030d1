// Where an exec goes and where --file lives, on objects with fields missing (as a real API server omits empty
// ones), paths written loosely, and the preview of files with long or many lines.

import { describe, expect, it } from 'vitest';
import type { Container, Pod, StatefulSet } from '@sts-inspect/k8s';
import { fileCell } from '../../../src/core/compare.ts';
import { execContainer, fileContainer, resolveFilePath } from '../../../src/core/containers.ts';
import { isBinary } from '../../../src/core/content.ts';

const withTemplate: StatefulSet = { metadata: { name: 'web' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } };

describe('a set without a usable volumeClaimTemplate', () => {
  const needs = { ok: false, error: 'relative path "visits.txt" needs a volumeClaimTemplate to be relative to; give an absolute path' };
  const app: Container = { name: 'app', volumeMounts: [{ name: 'data', mountPath: '/data' }] };
  const pod: Pod = { metadata: { name: 'web-0' }, spec: { containers: [{ name: 'proxy' }, app] } };
  it.each<[string, StatefulSet]>([
    ['no spec', { metadata: { name: 'web' } }],
    ['no volumeClaimTemplates', { metadata: { name: 'web' }, spec: {} }],
    ['an empty list', { metadata: { name: 'web' }, spec: { volumeClaimTemplates: [] } }],
    ['a template without metadata', { metadata: { name: 'web' }, spec: { volumeClaimTemplates: [{}] } }],
  ])('%s: a relative path cannot be placed, and the first container is read', (_name, set) => {
    expect(resolveFilePath('visits.txt', set, app)).toEqual(needs);
    expect(fileContainer(pod, set, 'visits.txt', undefined)).toEqual({ ok: true, container: 'proxy', why: 'first' });
  });
});

describe('containers and mounts with fields missing', () => {
  it.each<[string, Pod, string | undefined, unknown]>([
    ['a pod without spec', { metadata: { name: 'web-0' } }, undefined, { ok: false, error: 'pod has no containers' }],
    [
      'a pod without spec, -c given',
      { metadata: { name: 'web-0' } },
      'app',
      { ok: false, error: 'container "app" not found in pod (has none)' },
    ],
  ])('exec: %s', (_name, pod, requested, want) => {
    expect(execContainer(pod, requested)).toEqual(want);
  });

  it('a sidecar without volumeMounts before the container that mounts the volume', () => {
    const pod: Pod = {
      metadata: { name: 'web-0' },
      spec: { containers: [{ name: 'proxy' }, { name: 'app', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
    };
    expect(fileContainer(pod, withTemplate, 'visits.txt', undefined)).toEqual({ ok: true, container: 'app', why: 'volume' });
  });

  it('no container at all: the path cannot be placed, and says so', () => {
    expect(resolveFilePath('visits.txt', withTemplate, undefined)).toEqual({
      ok: false,
      error: 'container "?" does not mount volume "data"',
    });
  });

  it('the mount of the template volume, not the first mount of the container', () => {
    const c: Container = {
      name: 'app',
      volumeMounts: [
        { name: 'config', mountPath: '/etc/app' },
        { name: 'data', mountPath: '/data' },
      ],
    };
    expect(resolveFilePath('visits.txt', withTemplate, c)).toEqual({ ok: true, path: '/data/visits.txt' });
  });
});

describe('relative paths joined to the mount path', () => {
  it.each([
    ['visits.txt', '/data', '/data/visits.txt'],
    ['./visits.txt', '/data', '/data/visits.txt'],
    ['.//visits.txt', '/data', '/data/visits.txt'],
    ['logs/./visits.txt', '/data', '/data/logs/./visits.txt'],
    ['visits.txt', '/data//', '/data/visits.txt'],
    ['visits.txt', '/', '/visits.txt'],
  ])('%s under %s -> %s', (file, mountPath, path) => {
    expect(resolveFilePath(file, withTemplate, { name: 'app', volumeMounts: [{ name: 'data', mountPath }] })).toEqual({ ok: true, path });
  });
});

describe('binary detection: one NUL is enough', () => {
  it.each([
    ['a NUL in long text', `${'x'.repeat(40)}\u0000`, true],
    ['no NUL in long text', 'x'.repeat(41), false],
  ])('%s', (_name, text, binary) => {
    expect(isBinary(new TextEncoder().encode(text))).toBe(binary);
  });
});

describe("compare's file preview", () => {
  const cell = (s: string, truncated = false) => fileCell({ ok: true, bytes: Buffer.from(s), truncated }).value!;
  it.each([
    ['one line', '7\n', /^"7" \(2B, sha256:[0-9a-f]{8}\)$/],
    ['one line without newline', '7', /^"7" \(1B, sha256:/],
    ['two lines', '7\n8\n', /^"7" \+1 line \(4B, sha256:/],
    ['three lines', '7\n8\n9', /^"7" \+2 lines \(5B, sha256:/],
    ['40 characters: whole', `${'a'.repeat(40)}\n`, new RegExp(`^"${'a'.repeat(40)}" \\(41B`)],
    ['41 characters: cut at 40', `${'a'.repeat(41)}\n`, new RegExp(`^"${'a'.repeat(40)}…" \\(42B`)],
  ])('%s', (_name, text, shown) => {
    expect(cell(text)).toMatch(shown);
  });

  it('a cut read never equals a whole one, though the bytes read are the same', () => {
    const whole = fileCell({ ok: true, bytes: Buffer.from('abc'), truncated: false });
    const cut = fileCell({ ok: true, bytes: Buffer.from('abc'), truncated: true });
    expect(cut.key).not.toBe(whole.key);
    expect(cut.key).toBe(`cut:${whole.key}`);
  });
});
