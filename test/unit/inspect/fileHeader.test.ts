// The header's File line (issue 21 point 1): the path each pod found, by which rule, in which container.

import { describe, expect, it } from 'vitest';
import { renderInspection } from '../../../src/commands/inspect/render.ts';
import { failedRead, type FileRead } from '../../../src/core/fileRead.ts';
import { exampleReport } from './example.ts';

const found = (path: string, rule: FileRead['rule'], container = 'web'): FileRead => ({
  path,
  container,
  rule,
  tried: [],
  ok: true,
  content: '1\n',
  binary: false,
  bytesRead: 2,
  truncated: false,
  error: null,
});

async function fileLine(file: string, reads: (FileRead | null)[]): Promise<string> {
  const r = await exampleReport();
  r.file = { path: file, maxBytes: 256 };
  r.ordinals.forEach((o, i) => (o.file = reads[i] ?? null));
  const line = renderInspection(r, { format: 'table', headers: true, color: false })
    .split('\n')
    .find((l) => l.startsWith('File:'));
  return (line ?? '').replace(/^File:\s+/, '');
}

describe('the File line', () => {
  it.each<[string, string, (FileRead | null)[], string]>([
    [
      'on the claim mount in every pod',
      'visits.txt',
      [found('/data/visits.txt', 'mount'), found('/data/visits.txt', 'mount')],
      'visits.txt -> /data/visits.txt (claim mount) in container web (first 256 bytes)',
    ],
    [
      'in the working directory',
      'visits/visits.txt',
      [found('/app/visits/visits.txt', 'workingDir'), found('/app/visits/visits.txt', 'workingDir')],
      'visits/visits.txt -> /app/visits/visits.txt (working directory) in container web (first 256 bytes)',
    ],
    [
      'a working directory no pwd could name',
      'visits',
      [found('visits', 'workingDir'), null],
      "visits (relative to the container's working directory; no `pwd` to name it) in container web (first 256 bytes)",
    ],
    ['an absolute path', '/data/x', [found('/data/x', 'absolute'), null], '/data/x in container web (first 256 bytes)'],
    [
      'found by different rules: each path with its count',
      'visits.txt',
      [found('/data/visits.txt', 'mount'), found('/app/visits.txt', 'workingDir')],
      'visits.txt -> /data/visits.txt (claim mount) in 1 pod, /app/visits.txt (working directory) in 1 pod in container web (first 256 bytes)',
    ],
    [
      'found nowhere: the container only (the cells name the paths tried)',
      'nope',
      [failedRead('file not found: tried /data/nope (claim mount), /nope (working directory)', '/nope', 'web'), null],
      'nope in container web (first 256 bytes)',
    ],
    [
      'found in one pod, not in the other: what was found',
      'visits.txt',
      [found('/data/visits.txt', 'mount'), failedRead('file not found: tried …', '/visits.txt', 'web')],
      'visits.txt -> /data/visits.txt (claim mount) in container web (first 256 bytes)',
    ],
    [
      'different containers: no container named',
      '/data/x',
      [found('/data/x', 'absolute', 'a'), found('/data/x', 'absolute', 'b')],
      '/data/x (first 256 bytes)',
    ],
  ])('%s', async (_name, file, reads, want) => {
    expect(await fileLine(file, reads)).toBe(want);
  });
});
