// The lease's I/O (the decision is core/lease.ts): take it with the resourceVersion precondition, watch a
// lease held elsewhere until it is renewed (refuse) or not for a lease duration (take over), and keep it —
// every later record write goes through the keeper as one JSON patch whose `test` operation names the record
// exactly as this run last wrote it (RFC 6902): the server applies it only while the record is unchanged, so no
// read comes before a write and the controller's status writes never make it conflict. A failed test (422)
// re-reads the set: another run's lease there is a lost lease, else the write is tried again on what is there.
// A timer renews the lease every LEASE_RENEW_MS while the operation runs.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { StatefulSet } from '@sts-inspect/k8s';
import {
  decideLease,
  LEASE_DURATION_MS,
  LEASE_RENEW_MS,
  leaseKey,
  type Lease,
  type LeaseHolder,
  type LeaseObservation,
  type LeaseRefusal,
  type TakeReason,
} from '../core/lease.ts';
import type { OperationRecord } from '../core/operation.ts';
export type { LeaseRefusal } from '../core/lease.ts';
import { apiPath, type KubeClient } from '../kube/client.ts';
import { ApiError, ApiNotFoundError, ConflictError } from '../kube/errors.ts';
import { OPERATION_ANNOTATION, readRecord } from './record.ts';

export interface LeaseOptions {
  /** This run (tests: two runs in one process). Default: a random id, this host, this pid. */
  self?: LeaseHolder;
  /** Whether a pid on this host runs. Default: signal 0. */
  isAlive?: (pid: number) => boolean;
  durationMs?: number;
  renewMs?: number;
  /** How often a lease held elsewhere is looked at while waiting. */
  pollMs?: number;
}

/** What the executor needs to say about a lease (the renderers word it). */
/** A lease held elsewhere is watched for up to `waitMs` more: renewed -> refuse, not -> take over. */
export type LeaseEvent = { type: 'lease-waiting'; lease: Lease; waitMs: number };

export class LeaseRefused extends Error {
  readonly refusal: LeaseRefusal;
  constructor(refusal: LeaseRefusal) {
    super('the operation lease is held by another run');
    this.refusal = refusal;
  }
}

export class LeaseLost extends Error {
  readonly lease: Lease | null;
  constructor(lease: Lease | null) {
    super('this run lost the operation lease');
    this.lease = lease;
  }
}

function withoutLease(r: OperationRecord): OperationRecord {
  const copy = { ...r };
  delete copy.lease;
  return copy;
}

export function selfHolder(now = Date.now()): LeaseHolder {
  return { id: randomBytes(6).toString('hex'), host: hostname(), pid: process.pid, startedAt: new Date(now).toISOString() };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process killed (kill -9) but not yet reaped by its parent is a zombie: signal 0 still reaches it, yet it
  // will never renew. Linux says so in /proc (state Z); elsewhere the signal's answer stands.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Holds the lease of one operation record on one set: take it, write the record under it, renew it, drop it. */
export class LeaseKeeper {
  readonly self: LeaseHolder;
  private readonly durationMs: number;
  private readonly renewMs: number;
  private readonly path: string;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastRenewed = 0;
  /** The record's annotation exactly as this run last wrote (or read) it under its lease; null: read it first. */
  private stored: string | null = null;
  /** Set once another run holds the lease or the record is gone: every later write fails with it. */
  lost: LeaseLost | undefined;

  private readonly client: KubeClient;
  private readonly set: { namespace: string; name: string };
  private readonly now: () => number;
  private readonly o: LeaseOptions;

  constructor(client: KubeClient, set: { namespace: string; name: string }, now: () => number, o: LeaseOptions = {}) {
    this.client = client;
    this.set = set;
    this.now = now;
    this.o = o;
    this.self = o.self ?? selfHolder(now());
    this.durationMs = o.durationMs ?? LEASE_DURATION_MS;
    this.renewMs = o.renewMs ?? LEASE_RENEW_MS;
    this.path = apiPath.statefulset(set.namespace, set.name);
  }

  private lease(): Lease {
    return { holder: this.self, renewTime: new Date(this.now()).toISOString(), durationSeconds: this.durationMs / 1000 };
  }

  private async read(signal?: AbortSignal): Promise<StatefulSet> {
    return this.client.get<StatefulSet>(this.path, `get statefulset ${this.set.namespace}/${this.set.name}`, signal);
  }

  private async write(set: StatefulSet, value: OperationRecord | null, signal?: AbortSignal): Promise<void> {
    const annotation = value === null ? null : JSON.stringify(value);
    await this.client.patch(
      this.path,
      { metadata: { resourceVersion: set.metadata.resourceVersion, annotations: { [OPERATION_ANNOTATION]: annotation } } },
      { type: 'merge' },
      `${value === null ? 'remove the operation record from' : 'record progress on'} statefulset ${this.set.namespace}/${this.set.name}`,
      signal,
    );
    this.stored = annotation;
    this.lastRenewed = this.now();
  }

  /** Write `value` (null: remove) only if the record is still `expected`, as one JSON patch with a `test`. */
  private async testedWrite(expected: string, value: OperationRecord | null, signal?: AbortSignal): Promise<void> {
    const path = `/metadata/annotations/${OPERATION_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const annotation = value === null ? null : JSON.stringify(value);
    await this.client.patch(
      this.path,
      [{ op: 'test', path, value: expected }, annotation === null ? { op: 'remove', path } : { op: 'replace', path, value: annotation }],
      { type: 'json' },
      `${value === null ? 'remove the operation record from' : 'record progress on'} statefulset ${this.set.namespace}/${this.set.name}`,
      signal,
    );
    this.stored = annotation;
    this.lastRenewed = this.now();
  }

  /**
   * Take the lease for `record`, which the set must carry as planned (`expected`: its startedAt, or null for
   * none). Returns the record as found on the set (its progress may be newer than what was planned from) and
   * why it was taken. Throws LeaseRefused when a live run holds it or the record is not the planned one.
   */
  async acquire(
    record: OperationRecord,
    expected: string | null,
    signal: AbortSignal,
    onEvent: (e: LeaseEvent) => void,
    known?: StatefulSet,
  ): Promise<{ record: OperationRecord; why: TakeReason; lease: Lease | null }> {
    let seen: LeaseObservation | null = null;
    let waiting = '';
    // `known`: the set as the caller last saw it (a watch): tried first, without a read. Stale, its
    // resourceVersion makes the write a 409 and the loop reads; anything but a plain take reads again too.
    let first = known;
    for (;;) {
      const given = first;
      first = undefined;
      const set =
        given ??
        (await this.read(signal).catch((err: unknown) => {
          if (err instanceof ApiNotFoundError) return null;
          throw err;
        }));
      // No set to hold a lease on (resize between its Orphan delete and the create): the record carries this
      // run's lease into the set it creates.
      if (!set) return { record: { ...record, lease: this.lease() }, why: 'no-record', lease: null };
      const found = readRecord(set).record;
      const lease = found?.lease ?? null;
      // One reading of the clock per look: the decision, the first sighting and the wait announced agree.
      const now = this.now();
      const refuse = (why: LeaseRefusal['why']) =>
        new LeaseRefused({ set: this.set, lease, record: found, why, now, host: this.self.host });
      const sameHost = !!lease && lease.holder.host === this.self.host;
      const decision = decideLease({
        hasRecord: !!found,
        lease,
        self: this.self,
        now,
        seen,
        holderAlive: sameHost && lease ? (this.o.isAlive ?? pidAlive)(lease.holder.pid) : null,
      });
      if (given && (decision.kind !== 'take' || (found?.startedAt ?? null) !== expected)) continue;
      if (decision.kind === 'refuse') throw refuse('held');
      if ((found?.startedAt ?? null) !== expected) throw refuse('changed');
      if (decision.kind === 'wait') {
        if (lease && !seen) seen = { key: leaseKey(lease), at: now };
        if (lease && waiting !== leaseKey(lease)) {
          waiting = leaseKey(lease);
          onEvent({ type: 'lease-waiting', lease, waitMs: Math.max(0, decision.until - now) });
        }
        await sleep(Math.min(this.o.pollMs ?? 1000, Math.max(0, decision.until - this.now())), signal);
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        continue;
      }
      const taken: OperationRecord = { ...(found ?? record), lease: this.lease() };
      try {
        await this.write(set, taken, signal);
      } catch (err) {
        if (err instanceof ConflictError) continue; // the set moved (a status write, or another run won): look again
        throw err;
      }
      return { record: taken, why: decision.why, lease };
    }
  }

  /** Write `record` (or remove it: null) under the lease: serialised, re-read, checked, with the precondition. */
  save(record: OperationRecord | null, signal?: AbortSignal): Promise<void> {
    return this.serial(() => this.guarded(record, signal));
  }

  /**
   * Keep the record as it is on the set but give up its lease (client-go's ReleaseOnCancel): a run that stopped
   * with an error or Ctrl-C leaves a record the same command resumes at once, without a takeover to report.
   */
  release(signal?: AbortSignal): Promise<void> {
    this.stopRenewing();
    return this.serial(() => this.guarded('release', signal));
  }

  private serial(write: () => Promise<void>): Promise<void> {
    const next = this.chain.then(write);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** `release`: the stored record without the lease. */
  private async guarded(record: OperationRecord | null | 'release', signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.lost) throw this.lost;
      const mine = this.stored ?? (await this.reread(record, signal));
      if (mine === undefined) return; // a removal, and the record is already gone
      const found = JSON.parse(mine) as OperationRecord;
      const value = record === 'release' ? withoutLease(found) : record && { ...record, lease: this.lease() };
      try {
        await this.testedWrite(mine, value, signal);
        return;
      } catch (err) {
        // 422: the test failed, the record is not what this run last wrote; read it to know whether it is still ours.
        if (!(err instanceof ApiError && err.code === 422) || attempt >= 5) throw err;
        this.stored = null;
      }
    }
  }

  /** The record as stored while this run holds its lease; undefined when removing one already gone; else lost. */
  private async reread(record: OperationRecord | null | 'release', signal?: AbortSignal): Promise<string | undefined> {
    const set = await this.read(signal);
    const found = readRecord(set).record;
    if (found?.lease?.holder.id !== this.self.id) {
      if (record === null && !found) return undefined;
      this.lost = new LeaseLost(found?.lease ?? null);
      throw this.lost;
    }
    this.stored = set.metadata.annotations?.[OPERATION_ANNOTATION] ?? null;
    return this.stored ?? undefined;
  }

  /** Renew every renewMs with `current()`; `onLost` once the lease is another's or has not been renewed in time. */
  startRenewing(current: () => OperationRecord, onLost: (e: LeaseLost) => void): void {
    this.lastRenewed = this.now();
    this.timer = setInterval(() => {
      this.save(current()).catch((err: unknown) => {
        if (err instanceof LeaseLost) return onLost(err);
        // Not renewed for longer than another run would wait: it may have taken over, so stop driving.
        if (this.now() - this.lastRenewed >= this.durationMs - this.renewMs) onLost((this.lost = new LeaseLost(null)));
      });
    }, this.renewMs);
    this.timer.unref?.();
  }

  stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The decision on the set's record as read once, with no watching (a holder on another host is then `wait`). */
function leaseAtSight(set: StatefulSet, now: number, o: LeaseOptions, why: LeaseRefusal['why']) {
  const record = readRecord(set).record;
  const lease = record?.lease ?? null;
  const self = o.self ?? selfHolder(now);
  const sameHost = !!lease && lease.holder.host === self.host;
  const decision = decideLease({
    hasRecord: !!record,
    lease,
    self,
    now,
    seen: null,
    holderAlive: sameHost && lease ? (o.isAlive ?? pidAlive)(lease.holder.pid) : null,
  });
  const ns = set.metadata.namespace ?? '';
  const refusal: LeaseRefusal = { set: { namespace: ns, name: set.metadata.name ?? '' }, lease, record, why, now, host: self.host };
  return { decision, refusal };
}

/**
 * Whether `--abandon` needs --force: the set's record has a lease that may be held (a live pid on this host,
 * or one on another host, which cannot be judged without watching it). Null: no record, no lease, or stale.
 */
export function abandonBlocker(set: StatefulSet, now: number, o: LeaseOptions = {}): LeaseRefusal | null {
  const { decision, refusal } = leaseAtSight(set, now, o, 'abandon');
  return decision.kind === 'take' ? null : refusal;
}

/**
 * Before planning: the set's record is held by a live run on this host (refuse now, exit 9, before reading
 * pods that run is taking down). A holder on another host is left to the executor, which watches it.
 */
export function liveHolder(set: StatefulSet, now: number, o: LeaseOptions = {}): LeaseRefusal | null {
  const { decision, refusal } = leaseAtSight(set, now, o, 'held');
  return decision.kind === 'refuse' ? refusal : null;
}
