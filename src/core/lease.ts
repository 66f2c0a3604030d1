// The operation record's lease (issue 15): who drives the operation now, the way Kubernetes leader election
// does it (client-go tools/leaderelection): a holder identity and a renew time, renewed every LEASE_RENEW_MS by
// the running executor, taken with the resourceVersion precondition so two writers cannot both win (then
// written under a JSON patch `test` of the record as last written). Pure:
// the record and what this run observed -> take / refuse / wait.
//
// Freshness without trusting another machine's clock: a holder on another host is judged by observation, as
// client-go does — the lease is held until its renew time has not changed for a lease duration as seen on the
// local clock (so the first sight of a lease always waits, and a renewal seen meanwhile refuses). A holder on
// this host shares our clock and process table: its pid gone means it died (take over at once: the resume after
// kill -9 is prompt); alive and renewed within the duration means it runs (refuse at once).

export const LEASE_DURATION_MS = 15_000;
export const LEASE_RENEW_MS = 5_000;

/** Who runs the operation: a run of the plugin, told apart by `id` (random per run). */
export interface LeaseHolder {
  id: string;
  host: string;
  pid: number;
  /** When that run started (ISO). */
  startedAt: string;
}

export interface Lease {
  holder: LeaseHolder;
  /** The holder's clock at its last renewal (ISO); only compared with our clock when the holder is on this host. */
  renewTime: string;
  durationSeconds: number;
}

/** What this run saw of the lease before, by `leaseKey`, and when (local clock, ms). */
export interface LeaseObservation {
  key: string;
  at: number;
}

export interface LeaseInput {
  /** The set carries an operation record. */
  hasRecord: boolean;
  /** Its lease; null for a record written before leases (treated as stale). */
  lease: Lease | null;
  self: LeaseHolder;
  now: number;
  /** The first sight of the lease now on the set, when this run saw it before. */
  seen: LeaseObservation | null;
  /** The holder is on this host: whether its pid is running; null on another host. */
  holderAlive: boolean | null;
}

export type TakeReason = 'no-record' | 'no-lease' | 'own' | 'holder-gone' | 'expired';

export type LeaseDecision =
  | { kind: 'take'; why: TakeReason }
  /** Held by a live run: `renewed` (seen renewed while watching), `alive` (its pid runs on this host). */
  | { kind: 'refuse'; why: 'renewed' | 'alive' }
  /** Not yet known: watch until `until` (local ms); a renewal meanwhile refuses, none takes over. */
  | { kind: 'wait'; until: number };

/** One lease as seen: a renewal or a new holder changes it. */
export function leaseKey(l: Lease): string {
  return `${l.holder.id}@${l.renewTime}`;
}

export function leaseDurationMs(l: Lease): number {
  return l.durationSeconds > 0 ? l.durationSeconds * 1000 : LEASE_DURATION_MS;
}

export function decideLease(i: LeaseInput): LeaseDecision {
  if (!i.hasRecord) return { kind: 'take', why: 'no-record' };
  const l = i.lease;
  if (!l) return { kind: 'take', why: 'no-lease' };
  if (l.holder.id === i.self.id) return { kind: 'take', why: 'own' };
  const duration = leaseDurationMs(l);
  if (l.holder.host === i.self.host && i.holderAlive !== null) {
    if (!i.holderAlive) return { kind: 'take', why: 'holder-gone' };
    const renewed = Date.parse(l.renewTime);
    // Alive but not renewing (stopped with SIGSTOP, or its pid reused after a reboot): expired like any other.
    return Number.isFinite(renewed) && i.now - renewed <= duration ? { kind: 'refuse', why: 'alive' } : { kind: 'take', why: 'expired' };
  }
  if (!i.seen) return { kind: 'wait', until: i.now + duration };
  if (i.seen.key !== leaseKey(l)) return { kind: 'refuse', why: 'renewed' };
  return i.now - i.seen.at >= duration ? { kind: 'take', why: 'expired' } : { kind: 'wait', until: i.seen.at + duration };
}

/** A lease as stored in the record, or null when the value is not one (a record from before leases). */
export function parseLease(v: unknown): Lease | null {
  if (!v || typeof v !== 'object') return null;
  const l = v as Record<string, unknown>;
  const h = l.holder as Record<string, unknown> | undefined;
  if (!h || typeof h !== 'object') return null;
  if (typeof h.id !== 'string' || typeof h.host !== 'string' || typeof h.pid !== 'number' || typeof h.startedAt !== 'string') return null;
  if (typeof l.renewTime !== 'string') return null;
  return {
    holder: { id: h.id, host: h.host, pid: h.pid, startedAt: h.startedAt },
    renewTime: l.renewTime,
    durationSeconds: typeof l.durationSeconds === 'number' ? l.durationSeconds : LEASE_DURATION_MS / 1000,
  };
}

/** Why a run refused or stopped (data for the sentence in ui/lease.ts). */
export interface LeaseRefusal {
  set: { namespace: string; name: string };
  lease: Lease | null;
  /** The record found on the set (the operation it belongs to). */
  record: { command: string; flags: string[]; startedAt: string } | null;
  /**
   * `held`: a live run holds it; `changed`: the record on the set is not the one this run planned from;
   * `lost`: this run held it and another run took it over (or the record was dropped); `abandon`: --abandon
   * without --force while the lease may be held.
   */
  why: 'held' | 'changed' | 'lost' | 'abandon';
  /** Local clock (ms), and this run's host (a renew time is only compared with our clock on the same host). */
  now: number;
  host: string;
}
