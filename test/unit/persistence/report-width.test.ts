// The persistence report at a terminal's width (issue 17 point 6): whole columns hidden by priority, the pod and its
// verdict never, FILE kept when a file was asked, the hidden columns named, the sentences wrapped at spaces; in a
// pipe (no width) nothing is hidden or cut.
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/commands/persistence/render.ts';
import { identityVerdict, type Identity } from '../../../src/core/persistence.ts';
import type { PersistenceReport, PersistenceResult } from '../../../src/commands/persistence/schema.ts';
import { displayWidth } from '../../../src/ui/width.ts';

const ident = (ip: string): Identity => ({
  podIP: ip,
  hostname: 'app-python-1',
  hostnameError: null,
  dns: {
    name: 'app-python-1.app-python.default.svc.cluster.local',
    resolvedBy: 'app-python-0',
    addresses: [ip],
    status: 'resolved',
    error: null,
  },
});

function report(withFile: boolean): PersistenceReport {
  const claims = (uid: string) => [{ name: 'data-app-python-1', uid, volume: 'pvc-6b5d8d35-b4ac-4c38-af72-8c84b98c8ce2' }];
  const file = withFile ? { path: '/data/visits.txt', content: '1\n', sha256: 'ab', bytes: 2, truncated: false, error: null } : null;
  const doc = (podUid: string, ip: string) => ({ podUid, ...ident(ip), claims: claims('c1'), file });
  const r = {
    ordinal: 1,
    pod: 'app-python-1',
    verdict: 'PRESERVED',
    reason: 'same claims and volumes, same /data/visits.txt, marker survived',
    seconds: 1.1,
    storage: { kind: 'claim', volume: 'data', mountPath: '/data' },
    before: doc('u1', '10.244.1.5'),
    after: doc('u2', '10.244.1.11'),
    identity: identityVerdict(ident('10.244.1.5'), ident('10.244.1.11')),
    marker: { survived: true, removed: true },
  } as unknown as PersistenceResult;
  return {
    kind: 'PersistenceReport',
    apiVersion: 'sts-inspect.dev/v1',
    statefulSet: { name: 'app-python', namespace: 'default' },
    passed: true,
    results: [r],
    notChecked: [],
    warnings: [],
  } as unknown as PersistenceReport;
}

const widest = (text: string) => Math.max(...text.split('\n').map((l) => displayWidth(l)));

describe('persistence report width', () => {
  it('in a pipe: every column, whole lines', () => {
    const text = renderReport(report(true), { color: false });
    expect(text).toMatch(/ORDINAL\s+POD\s+VERDICT\s+SECONDS\s+CLAIMS\s+FILE\s+MARKER\s+IDENTITY\n/);
    expect(widest(text)).toBeGreaterThan(80);
    expect(text).not.toContain('hidden to fit');
  });

  it.each([60, 80, 120])('at %i columns: fits, the pod, its verdict and the asked FILE kept, the hidden ones named', (width) => {
    const text = renderReport(report(true), { color: false, width });
    expect(widest(text)).toBeLessThanOrEqual(width);
    const head = text.split('\n').find((l) => l.startsWith('ORDINAL'))!;
    for (const h of ['ORDINAL', 'POD', 'VERDICT', 'FILE']) expect(head).toContain(h);
    expect(head).not.toContain('CLAIMS');
    expect(text).toContain('app-python-1');
    expect(text.replace(/\s+/g, ' ')).toMatch(/\(CLAIMS[^)]* hidden to fit \d+ columns; a pipe or -o yaml shows (it|them)\)/);
    // The sentences say what the hidden cells said, wrapped at spaces: the words are all there.
    expect(text.replace(/\s+/g, ' ')).toContain(
      'app-python-1: identity: hostname app-python-1 kept, DNS name kept, IP 10.244.1.5 -> 10.244.1.11 (expected)',
    );
  });

  it('without --file the FILE column may go too, CLAIMS first', () => {
    const text = renderReport(report(false), { color: false, width: 50 });
    const head = text.split('\n').find((l) => l.startsWith('ORDINAL'))!;
    expect(head).toMatch(/^ORDINAL\s+POD\s+VERDICT/);
    expect(head).not.toContain('CLAIMS');
    expect(widest(text)).toBeLessThanOrEqual(50);
  });
});
