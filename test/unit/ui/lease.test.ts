// The lease sentences (ui/lease.ts): who holds it, when it renewed ("Ns ago" only for a holder on this host,
// whose clock is ours), why a run was taken over, and the wait for a holder on another host.

import { describe, expect, it } from 'vitest';
import type { Lease, LeaseRefusal } from '../../../src/core/lease.ts';
import { leaseMessage, leaseWaitingLine, takeoverText } from '../../../src/ui/lease.ts';

const NOW = Date.parse('2026-12-05T22:00:10.000Z');
const lease = (host: string): Lease => ({
  holder: { id: 'a', host, pid: 4242, startedAt: '2026-12-05T21:59:00.000Z' },
  renewTime: '2026-12-05T22:00:07.000Z',
  durationSeconds: 15,
});
const refusal = (why: LeaseRefusal['why'], l: Lease | null): LeaseRefusal => ({
  set: { namespace: 'lab', name: 'web' },
  lease: l,
  record: { command: 'roll', flags: ['--partition=0'], startedAt: '2026-12-05T21:59:00.100Z' },
  why,
  now: NOW,
  host: 'laptop',
});

describe('leaseMessage', () => {
  it.each<[string, LeaseRefusal, string]>([
    [
      'held on this host: how long ago',
      refusal('held', lease('laptop')),
      'statefulset lab/web: another run drives its operation (roll --partition=0, started at 2026-12-05T21:59:00.100Z): pid 4242 on host laptop (started 2026-12-05T21:59:00.000Z), lease last renewed at 2026-12-05T22:00:07.000Z, 3s ago; nothing was changed by this run. Run the same command again to resume once that run ends or its lease expires (15s without renewal)',
    ],
    [
      'held on another host: no "ago" from a clock that is not ours',
      refusal('held', lease('server')),
      'statefulset lab/web: another run drives its operation (roll --partition=0, started at 2026-12-05T21:59:00.100Z): pid 4242 on host server (started 2026-12-05T21:59:00.000Z), lease last renewed at 2026-12-05T22:00:07.000Z; nothing was changed by this run. Run the same command again to resume once that run ends or its lease expires (15s without renewal)',
    ],
    [
      'lost to another run',
      refusal('lost', lease('server')),
      'this run lost the lease of the operation on statefulset lab/web: pid 4242 on host server (started 2026-12-05T21:59:00.000Z) took it over (lease last renewed at 2026-12-05T22:00:07.000Z); this run stopped',
    ],
    [
      'record dropped under it',
      refusal('lost', null),
      'the operation record on statefulset lab/web was dropped or not renewed in time while this run drove it; this run stopped',
    ],
  ])('%s', (_n, r, want) => {
    expect(leaseMessage(r)).toBe(want);
  });

  it('--abandon without --force names the holder and the way out', () => {
    expect(leaseMessage(refusal('abandon', lease('laptop')))).toMatch(
      /may still be driven by pid 4242 on host laptop .*; nothing was changed\. --abandon --force drops the record anyway/,
    );
  });
});

describe('takeoverText and leaseWaitingLine', () => {
  it.each([
    [
      { why: 'holder-gone' as const, lease: lease('laptop') },
      ' — taking over from pid 4242 on host laptop (started 2026-12-05T21:59:00.000Z): its process is gone',
    ],
    [
      { why: 'expired' as const, lease: lease('server') },
      ' — taking over from pid 4242 on host server (started 2026-12-05T21:59:00.000Z): its lease was not renewed for 15s (last renewed at 2026-12-05T22:00:07.000Z)',
    ],
    [{ why: 'no-lease' as const, lease: null }, ' — taking over: its record was written without a lease'],
    [{ why: 'own' as const, lease: null }, ''],
    [undefined, ''],
  ])('%j', (t, want) => {
    expect(takeoverText(t)).toBe(want);
  });

  it('the wait for a holder on another host', () => {
    expect(leaseWaitingLine({ lease: lease('server'), waitMs: 15_000 })).toBe(
      'waiting up to 15s: pid 4242 on host server (started 2026-12-05T21:59:00.000Z) holds the lease of this operation (last renewed at 2026-12-05T22:00:07.000Z); it is taken over unless renewed meanwhile',
    );
  });
});
