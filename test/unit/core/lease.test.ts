// The lease decision (core/lease.ts): no record, a record from before leases, our own lease, a holder on this
// host (alive and renewing, alive but silent, gone), and a holder on another host judged by observation only —
// its renew time is never compared with our clock, so any clock skew is harmless.

import { describe, expect, it } from 'vitest';
import { decideLease, leaseKey, parseLease, type Lease, type LeaseHolder, type LeaseInput } from '../../../src/core/lease.ts';
import { parseRecord } from '../../../src/core/operation.ts';

const NOW = Date.parse('2026-12-05T22:00:00.000Z');
const self: LeaseHolder = { id: 'me', host: 'laptop', pid: 100, startedAt: '2026-12-05T21:59:00.000Z' };
const lease = (host: string, renewedAgoMs: number, id = 'other'): Lease => ({
  holder: { id, host, pid: 200, startedAt: '2026-12-05T21:50:00.000Z' },
  renewTime: new Date(NOW - renewedAgoMs).toISOString(),
  durationSeconds: 15,
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

describe('decideLease', () => {
  const here = lease('laptop', 2_000);
  const there = lease('server', 2_000);
  it.each<[string, LeaseInput, ReturnType<typeof decideLease>]>([
    ['no record: a fresh operation', input({ hasRecord: false }), { kind: 'take', why: 'no-record' }],
    ['a record written before leases: stale', input({ lease: null }), { kind: 'take', why: 'no-lease' }],
    ['our own lease', input({ lease: lease('laptop', 60_000, 'me') }), { kind: 'take', why: 'own' }],
    ['this host, renewed 2s ago, pid alive: refuse at once', input({ lease: here, holderAlive: true }), { kind: 'refuse', why: 'alive' }],
    ['this host, pid gone (kill -9): take over at once', input({ lease: here, holderAlive: false }), { kind: 'take', why: 'holder-gone' }],
    [
      'this host, pid alive but not renewed for 16s (stopped, or a reused pid)',
      input({ lease: lease('laptop', 16_000), holderAlive: true }),
      { kind: 'take', why: 'expired' },
    ],
    [
      'this host, renewed exactly a lease duration ago: still held',
      input({ lease: lease('laptop', 15_000), holderAlive: true }),
      { kind: 'refuse', why: 'alive' },
    ],
    ['another host, first sight: watch for a lease duration', input({ lease: there }), { kind: 'wait', until: NOW + 15_000 }],
    [
      'another host, unchanged for 10s: keep watching until 15s after the first sight',
      input({ lease: there, seen: { key: leaseKey(there), at: NOW - 10_000 } }),
      { kind: 'wait', until: NOW + 5_000 },
    ],
    [
      'another host, unchanged for 15s: expired, take over',
      input({ lease: there, seen: { key: leaseKey(there), at: NOW - 15_000 } }),
      { kind: 'take', why: 'expired' },
    ],
    [
      'another host, renewed since the first sight: refuse',
      input({ lease: there, seen: { key: leaseKey(lease('server', 7_000)), at: NOW - 5_000 } }),
      { kind: 'refuse', why: 'renewed' },
    ],
    [
      'another host whose clock runs an hour behind: its renew time looks old, still watched, not taken',
      input({ lease: lease('server', 3_600_000) }),
      { kind: 'wait', until: NOW + 15_000 },
    ],
    [
      'another host whose clock runs an hour ahead: a renew time in the future does not make it last forever',
      input({ lease: lease('server', -3_600_000), seen: { key: leaseKey(lease('server', -3_600_000)), at: NOW - 15_000 } }),
      { kind: 'take', why: 'expired' },
    ],
    [
      'the holder says its lease lasts 60s: watched for 60s',
      input({ lease: { ...there, durationSeconds: 60 }, seen: { key: leaseKey(there), at: NOW - 30_000 } }),
      { kind: 'wait', until: NOW + 30_000 },
    ],
  ])('%s', (_name, i, want) => {
    expect(decideLease(i)).toEqual(want);
  });
});

describe('the record format stays compatible', () => {
  const base = { command: 'roll', flags: [], revision: 'web-1', done: [], startedAt: '2026-12-05T19:00:00Z' };
  it('a record without a lease parses, with no lease (stale)', () => {
    const { record, invalid } = parseRecord(JSON.stringify(base));
    expect(invalid).toBe(false);
    expect(record?.lease).toBeUndefined();
  });
  it('a lease round-trips', () => {
    const l = lease('laptop', 1_000);
    expect(parseRecord(JSON.stringify({ ...base, lease: l })).record?.lease).toEqual(l);
  });
  it.each([
    ['not an object', 'x'],
    ['no holder', { renewTime: 'x' }],
    ['a pid that is not a number', { holder: { id: 'a', host: 'h', pid: '1', startedAt: 's' }, renewTime: 'x' }],
    ['no renew time', { holder: { id: 'a', host: 'h', pid: 1, startedAt: 's' } }],
  ])('a malformed lease (%s) is no lease: the record still parses', (_n, bad) => {
    expect(parseLease(bad)).toBeNull();
    expect(parseRecord(JSON.stringify({ ...base, lease: bad })).record).not.toBeNull();
  });
});
