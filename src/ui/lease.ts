// The sentences about an operation's lease (core/lease.ts), shared by every acting command's renderer.

import { leaseDurationMs, type Lease, type LeaseRefusal, type TakeReason } from '../core/lease.ts';

const secs = (ms: number) => `${Math.round(ms / 1000)}s`;

/** `pid 4242 on host laptop (started 2026-12-05T21:00:00.000Z)` */
export function holderText(l: Lease): string {
  return `pid ${l.holder.pid} on host ${l.holder.host} (started ${l.holder.startedAt})`;
}

/** When it last renewed; how long ago only when it is on this host (the same clock). */
function renewedText(l: Lease, now: number, host: string): string {
  const at = Date.parse(l.renewTime);
  const ago = l.holder.host === host && Number.isFinite(at) ? `, ${secs(Math.max(0, now - at))} ago` : '';
  return `last renewed at ${l.renewTime}${ago}`;
}

function operationText(r: LeaseRefusal['record']): string {
  return r ? `${[r.command, ...r.flags].join(' ')}, started at ${r.startedAt}` : 'no record';
}

/** The one-line refusal (exit 9) or stop (lost lease) message. */
export function leaseMessage(r: LeaseRefusal): string {
  const set = `statefulset ${r.set.namespace}/${r.set.name}`;
  const l = r.lease;
  switch (r.why) {
    case 'held':
      return l
        ? `${set}: another run drives its operation (${operationText(r.record)}): ${holderText(l)}, lease ${renewedText(l, r.now, r.host)}; nothing was changed by this run. Run the same command again to resume once that run ends or its lease expires (${secs(leaseDurationMs(l))} without renewal)`
        : `${set}: another run drives its operation; nothing was changed by this run`;
    case 'changed':
      return `${set}: its operation record changed while this run planned (now: ${operationText(r.record)}${l ? `, held by ${holderText(l)}` : ''}); nothing was changed by this run. Run the same command again`;
    case 'abandon':
      return `${set}: its operation (${operationText(r.record)}) may still be driven by ${l ? `${holderText(l)}, lease ${renewedText(l, r.now, r.host)}` : 'another run'}; nothing was changed. --abandon --force drops the record anyway (that run then stops at its next renewal)`;
    case 'lost':
      return l
        ? `this run lost the lease of the operation on ${set}: ${holderText(l)} took it over (lease ${renewedText(l, r.now, r.host)}); this run stopped`
        : `the operation record on ${set} was dropped or not renewed in time while this run drove it; this run stopped`;
  }
}

const TAKEOVER: Record<Exclude<TakeReason, 'own' | 'no-record'>, (l: Lease | null) => string> = {
  'no-lease': () => 'its record was written without a lease',
  'holder-gone': () => 'its process is gone',
  expired: (l) => (l ? `its lease was not renewed for ${secs(leaseDurationMs(l))} (last renewed at ${l.renewTime})` : 'its lease expired'),
};

/** What a resuming run says about the run whose record it takes over: ` — taking over from pid 42 on host x (...): its process is gone`. */
export function takeoverText(t: { why: TakeReason; lease: Lease | null } | undefined): string {
  if (!t || t.why === 'own' || t.why === 'no-record') return '';
  const from = t.lease ? ` from ${holderText(t.lease)}` : '';
  return ` — taking over${from}: ${TAKEOVER[t.why](t.lease)}`;
}

/** While a lease held on another host is watched. */
export function leaseWaitingLine(e: { lease: Lease; waitMs: number }): string {
  return `waiting up to ${secs(e.waitMs)}: ${holderText(e.lease)} holds the lease of this operation (last renewed at ${e.lease.renewTime}); it is taken over unless renewed meanwhile`;
}
