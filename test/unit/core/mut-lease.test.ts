// src/core/lease.ts case by case, written from its mutation-testing survivors (lease.test.ts has the main table):
// the lease's duration when the holder wrote none or a bad one, a same-host holder whose pid could not be judged,
// a renew time that is not a date, the edges of the watch, and each malformed lease field.

import { describe, expect, it } from 'vitest';
import {
  decideLease,
  LEASE_DURATION_MS,
  LEASE_RENEW_MS,
  leaseDurationMs,
  leaseKey,
  parseLease,
  type Lease,
  type LeaseInput,
} from '../../../src/core/lease.ts';

const NOW = Date.parse('2026-12-05T22:00:00.000Z');
const self = { id: 'me', host: 'laptop', pid: 100, startedAt: '2026-12-05T21:59:00.000Z' };
const holder = (host: string, id = 'other') => ({ id, host, pid: 200, startedAt: '2026-12-05T21:50:00.000Z' });
const lease = (host: string, renewedAgoMs: number, durationSeconds = 15): Lease => ({
  holder: holder(host),
  renewTime: new Date(NOW - renewedAgoMs).toISOString(),
  durationSeconds,
});
const input = (o: Partial<LeaseInput>): LeaseInput => ({
  hasRecord: true,
  lease: null,
  self,
  now: NOW,
  seen: null,
  holderAlive: null,
  ...o,
});

describe('the lease timings', () => {
  it('a lease lasts 15 s and is renewed every 5 s (three renewals a duration)', () => {
    expect(LEASE_DURATION_MS).toBe(15_000);
    expect(LEASE_RENEW_MS).toBe(5_000);
  });

  it.each([
    [15, 15_000],
    [60, 60_000],
    [0.5, 500],
    [0, LEASE_DURATION_MS],
    [-3, LEASE_DURATION_MS],
  ])('durationSeconds %s -> %s ms', (s, ms) => {
    expect(leaseDurationMs(lease('server', 0, s))).toBe(ms);
  });

  it('a lease key changes with a renewal and with the holder, and names both', () => {
    const l = lease('server', 0);
    expect(leaseKey(l)).toBe(`other@${l.renewTime}`);
    expect(leaseKey({ ...l, renewTime: 'later' })).not.toBe(leaseKey(l));
    expect(leaseKey({ ...l, holder: holder('server', 'x') })).not.toBe(leaseKey(l));
  });
});

describe('decideLease: the edges', () => {
  it.each<[string, LeaseInput, ReturnType<typeof decideLease>]>([
    [
      'no record wins over any lease',
      input({ hasRecord: false, lease: lease('laptop', 0), holderAlive: true }),
      { kind: 'take', why: 'no-record' },
    ],
    [
      'own lease on another host (same id) is ours',
      input({ lease: { ...lease('server', 0), holder: holder('server', 'me') } }),
      { kind: 'take', why: 'own' },
    ],
    [
      'same host but its pid not judged (null): watched as any other',
      input({ lease: lease('laptop', 0) }),
      { kind: 'wait', until: NOW + 15_000 },
    ],
    [
      'same host, alive, renewed 15.001 s ago: expired',
      input({ lease: lease('laptop', 15_001), holderAlive: true }),
      { kind: 'take', why: 'expired' },
    ],
    [
      'same host, alive, its renew time not a date: expired (never held for ever)',
      input({ lease: { ...lease('laptop', 0), renewTime: 'yesterday' }, holderAlive: true }),
      { kind: 'take', why: 'expired' },
    ],
    [
      'same host, alive, renewed 10 s ago with a 5 s lease: expired',
      input({ lease: lease('laptop', 10_000, 5), holderAlive: true }),
      { kind: 'take', why: 'expired' },
    ],
    [
      'same host, alive, renewed 10 s ago with a 60 s lease: held',
      input({ lease: lease('laptop', 10_000, 60), holderAlive: true }),
      { kind: 'refuse', why: 'alive' },
    ],
    [
      'another host: holderAlive given is ignored, watched',
      input({ lease: lease('server', 0), holderAlive: false }),
      { kind: 'wait', until: NOW + 15_000 },
    ],
    [
      'another host, unchanged 14.999 s: still waits',
      input({ lease: lease('server', 0), seen: { key: leaseKey(lease('server', 0)), at: NOW - 14_999 } }),
      { kind: 'wait', until: NOW + 1 },
    ],
    [
      'another host, first sight of a 2 s lease: watched for 2 s',
      input({ lease: lease('server', 0, 2) }),
      { kind: 'wait', until: NOW + 2_000 },
    ],
  ])('%s', (_n, i, want) => {
    expect(decideLease(i)).toEqual(want);
  });
});

describe('parseLease: each field', () => {
  const good = { holder: { id: 'a', host: 'h', pid: 1, startedAt: 's' }, renewTime: 'r', durationSeconds: 30 };
  it('a good lease keeps exactly its fields (extra ones dropped)', () => {
    expect(parseLease({ ...good, extra: 1, holder: { ...good.holder, extra: 2 } })).toEqual(good);
  });
  it('no durationSeconds, or one that is not a number: 15', () => {
    expect(parseLease({ holder: good.holder, renewTime: 'r' })?.durationSeconds).toBe(15);
    expect(parseLease({ ...good, durationSeconds: '30' })?.durationSeconds).toBe(15);
  });
  it.each([
    ['null', null],
    ['a number', 5],
    ['holder null', { ...good, holder: null }],
    ['holder a string', { ...good, holder: 'a@h' }],
    ['id not a string', { ...good, holder: { ...good.holder, id: 1 } }],
    ['host not a string', { ...good, holder: { ...good.holder, host: null } }],
    ['startedAt not a string', { ...good, holder: { ...good.holder, startedAt: 0 } }],
    ['renewTime not a string', { ...good, renewTime: 12 }],
  ])('%s: no lease', (_n, v) => {
    expect(parseLease(v)).toBeNull();
  });
});
