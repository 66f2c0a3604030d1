// -o custom-columns against the oracle: the real kubectl 1.34 lists the ordinals of a report from a tiny API
// server (discovery for one resource, `ordinals.sts-inspect.dev`, and its list) and prints them with the same
// -o custom-columns; our printer, given the same elements, must print the same bytes (one row per element).

import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL } from '../../../scripts/kubectl.mjs';
import { parseCustomColumns, parseCustomColumnsFile, relaxedJsonPath, renderCustomColumns } from '../../../src/ui/output/columns.ts';
import { UsageError } from '../../../src/errors.ts';

const report = JSON.parse(readFileSync(new URL('../../fixtures/inspect/report.example.json', import.meta.url), 'utf8')) as {
  ordinals: Record<string, unknown>[];
};
// As kubectl decodes a list's items: each gets the list's kind and apiVersion.
const rows = [
  ...report.ordinals,
  {
    ...report.ordinals[0],
    pod: 'web-2',
    ordinal: 2,
    ratio: 0.5,
    big: 12345678.5,
    labels: { b: '2', a: '1' },
    tags: ['x', 'y'],
    none: null,
  },
].map((o) => ({ apiVersion: 'sts-inspect.dev/v1', kind: 'Ordinal', ...o }));

const discovery: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [
      {
        name: 'sts-inspect.dev',
        versions: [{ groupVersion: 'sts-inspect.dev/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'sts-inspect.dev/v1', version: 'v1' },
      },
    ],
  },
  '/apis/sts-inspect.dev/v1': {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'sts-inspect.dev/v1',
    resources: [{ name: 'ordinals', singularName: 'ordinal', namespaced: true, kind: 'Ordinal', verbs: ['get', 'list'] }],
  },
  '/apis/sts-inspect.dev/v1/namespaces/default/ordinals': {
    apiVersion: 'sts-inspect.dev/v1',
    kind: 'OrdinalList',
    metadata: {},
    items: rows,
  },
};

let server: Server;
let kubeconfig: string;
let cacheDir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = discovery[(req.url ?? '').split('?')[0]!];
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'columns-'));
  cacheDir = join(dir, 'cache');
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: 'u', user: {} }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
      'current-context': 'x',
    }),
  );
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, 'get', 'ordinals', ...args], (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const SPECS = [
  'POD:.pod',
  'POD:.pod,ORDINAL:.ordinal,STATUS:.status,NODE:.node',
  'POD:pod,READY:{.ready.ready},OF:{ready.total}',
  'POD:.pod,CLAIMS:.claims[*].name,CAPACITY:.claims[*].capacity',
  'POD:.pod,NOPE:.nope,DEEP:.a.b.c',
  'POD:.pod,RATIO:.ratio,BIG:.big,LABELS:.labels,TAGS:.tags,NONE:.none',
  'POD:.pod,READY:.ready,DNS:.dns.name',
  'POD:.pod,FIRST:.containers[*].name,PROBE:.containers[*].probes[*].kind',
  'X:.pod,LONG HEADER WITH SPACES:.ordinal',
  'POD:.pod,RUNNING:.claims[?(@.status=="Bound")].name',
];

describe('-o custom-columns: kubectl 1.34 is the oracle', () => {
  it.each(SPECS)('%s', async (spec) => {
    const want = await kubectl(['-o', `custom-columns=${spec}`]);
    expect(want.code, want.stderr).toBe(0);
    expect(renderCustomColumns(parseCustomColumns(spec), rows, true)).toBe(want.stdout);
  });

  it('--no-headers', async () => {
    const spec = 'POD:.pod,ORDINAL:.ordinal';
    const want = await kubectl(['-o', `custom-columns=${spec}`, '--no-headers']);
    expect(renderCustomColumns(parseCustomColumns(spec), rows, false)).toBe(want.stdout);
  });

  it('custom-columns-file: headers on one line, paths on the next', async () => {
    const file = join(cacheDir, '..', 'columns.txt');
    writeFileSync(file, 'POD      ORDINAL   CLAIM\n.pod   .ordinal  {.claims[0].name}\n');
    const want = await kubectl(['-o', `custom-columns-file=${file}`]);
    expect(want.code, want.stderr).toBe(0);
    expect(renderCustomColumns(parseCustomColumnsFile(readFileSync(file, 'utf8')), rows, true)).toBe(want.stdout);
  });

  it.each(['POD', '', 'POD:.a{b}'])('%j is refused, as kubectl refuses it', async (spec) => {
    const want = await kubectl(['-o', `custom-columns=${spec}`]);
    expect(want.code).not.toBe(0);
    let message = '';
    try {
      parseCustomColumns(spec);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(want.stderr).toContain(message);
  });
});

it('an index out of range fails the whole print, as in kubectl', async () => {
  const spec = 'POD:.pod,FIRST:.containers[0].name';
  const want = await kubectl(['-o', `custom-columns=${spec}`]);
  expect(want.code).not.toBe(0);
  expect(want.stderr).toContain('array index out of bounds: index 0, length 0');
  expect(() => renderCustomColumns(parseCustomColumns(spec), rows, true)).toThrow('array index out of bounds: index 0, length 0');
});

describe('relaxed paths, as kubectl rewrites them', () => {
  it.each([
    ['.a.b', '{.a.b}'],
    ['a.b', '{.a.b}'],
    ['{a.b}', '{.a.b}'],
    ['{.a.b}', '{.a.b}'],
    ['', ''],
  ])('%j -> %j', (path, want) => expect(relaxedJsonPath(path)).toBe(want));
});
