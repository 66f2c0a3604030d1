// One pod on one simulated node, from the kubelet's point of view: volumes set up, sandbox (pod IP), init
// containers one by one, app containers, probes, restarts with back-off, graceful termination. Everything it
// reports goes into pod.status and events as a real kubelet writes them.

import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimContext } from '../context.ts';
import { containerWorkingDir, imageKind, isUnpullable, normalizedReference, type ImageKind } from '../images.ts';
import { R } from '../resources.ts';
import type { KObject } from '../store.ts';
import { listens, onExitLog, onStart, selfExit, serveHttp, type AppInstance } from './apps.ts';
import type { Informer } from '../informer.ts';
import type { Inflight } from './util.ts';
import { CLUSTER_DOMAIN } from './endpoints.ts';
import type { ContainerFs } from './fs.ts';
import { allocatePodIP, releasePodIP, type SimNode } from './nodes.ts';
import { ProbeTracker, probeFailureMessage, restartBackoffMs, type ProbeKind } from './probes.ts';
import { runCommand, type DnsLookup, type ShellHost } from './shell.ts';
import type { Storage } from './storage.ts';
import type { Condition, ContainerSpec, PodView, Probe, PvView } from './types.ts';
import { parseQuantity } from './types.ts';

/** Simulated durations of the kubelet's steps. */
export const TIMING = {
  sandboxMs: 300,
  pullMs: 800,
  createMs: 100,
  stopMs: 500,
  mountRetryMs: 2000,
  /** Until the kubelet syncs a pod again after a change (e.g. a failed pull turns into ImagePullBackOff). */
  syncMs: 1000,
  /** A container that ran this long without failing starts its back-off afresh. */
  backoffResetMs: 600_000,
  // Per container instance; 500 pods probing for hours must not hold gigabytes of log lines.
  maxLogLines: 500,
};

import { computeServiceEnv, containerEnv, containerFs, NAMESERVER, prepareVolumes } from './podvolumes.ts';

export { NAMESERVER };

export interface KubeletEnv {
  ctx: SimContext;
  dataDir: string;
  storage: Storage;
  dns: DnsLookup;
  services: Informer;
  inflight: Inflight;
}

export interface LogLine {
  at: Date;
  line: string;
}

export interface Instance {
  id: string;
  startedAt: string;
  finishedAt?: string;
  exitCode?: number;
  reason?: string;
  logs: LogLine[];
  fs: ContainerFs;
  rootDir: string;
  env: Record<string, string>;
  startedMs: number;
}

/** ephemeral: added by `kubectl debug`; never restarted, never probed, no part of readiness or phase. */
type Role = 'init' | 'sidecar' | 'app' | 'ephemeral';

export interface ContainerRt {
  spec: ContainerSpec;
  role: Role;
  kind: ImageKind;
  instances: Instance[];
  running: boolean;
  /** Being pulled or created: not running yet, but must not be started twice. */
  starting: boolean;
  /** Regular init container that finished with exit code 0. */
  completed: boolean;
  started: boolean;
  ready: boolean;
  restartCount: number;
  waitingReason?: string;
  waitingMessage?: string;
  probes: Partial<Record<ProbeKind, ProbeTracker>>;
  cancels: Set<() => void>;
  /** Failures in a row, for the back-off (reset after a long healthy run). */
  failures: number;
  /** Failed image pulls in a row, for the image pull back-off. */
  pullFailures: number;
  imageID?: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export class PodWorker {
  readonly uid: string;
  readonly ns: string;
  readonly name: string;
  readonly node: SimNode;
  pod: PodView;
  readonly containers = new Map<string, ContainerRt>();
  podIP?: string;
  sandboxReady = false;
  startTime: string;
  terminating = false;
  stopped = false;
  /** Volume name -> where its files are and how df reports it. */
  volumes = new Map<string, { dir: string; readOnly: boolean; device: string; capacityBytes?: number; pvc?: string; pv?: string }>();
  readonly env: KubeletEnv;
  private readonly conds = new Map<string, { status: string; time: string }>();
  private readonly cancels = new Set<() => void>();
  private writeQueued = false;
  private lastWritten = '';
  private volumesReady = false;
  private serviceEnv: Record<string, string> = {};

  constructor(env: KubeletEnv, node: SimNode, pod: PodView) {
    this.env = env;
    this.node = node;
    this.pod = pod;
    this.uid = pod.metadata.uid;
    this.ns = pod.metadata.namespace;
    this.name = pod.metadata.name;
    this.startTime = env.ctx.store.timestamp();
    for (const c of pod.spec.initContainers ?? [])
      this.containers.set(c.name, this.newRt(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init'));
    for (const c of pod.spec.containers) this.containers.set(c.name, this.newRt(c, 'app'));
  }

  private newRt(spec: ContainerSpec, role: Role): ContainerRt {
    return {
      spec,
      role,
      kind: imageKind(spec.image),
      instances: [],
      running: false,
      starting: false,
      completed: false,
      started: false,
      ready: false,
      restartCount: 0,
      probes: {},
      cancels: new Set(),
      failures: 0,
      pullFailures: 0,
    };
  }

  private get ctx() {
    return this.env.ctx;
  }

  private after(ms: number, fn: () => void, owner?: ContainerRt): void {
    const set = owner?.cancels ?? this.cancels;
    const cancel = this.ctx.clock.after(ms, () => {
      set.delete(cancel);
      if (this.stopped) return;
      fn();
    });
    set.add(cancel);
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string, c?: ContainerRt): void {
    const list = c?.role === 'app' ? 'containers' : c?.role === 'ephemeral' ? 'ephemeralContainers' : 'initContainers';
    const fieldPath = c ? `spec.${list}{${c.spec.name}}` : undefined;
    try {
      this.ctx.events.record(
        this.pod as unknown as KObject,
        type,
        reason,
        message,
        { component: 'kubelet', host: this.node.name },
        fieldPath,
      );
    } catch {
      // Events are best effort, as in Kubernetes.
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Lifecycle

  start(): void {
    this.queueWrite();
    void this.env.inflight.add(this.setupVolumes());
  }

  /** The pod object changed (e.g. it is being deleted). */
  update(pod: PodView): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp && !this.terminating) this.terminate();
    this.addEphemeralContainers();
  }

  /** Ephemeral containers added through pods/ephemeralcontainers start once the pod's sandbox exists. */
  private addEphemeralContainers(): void {
    if (this.terminating) return;
    for (const spec of this.pod.spec.ephemeralContainers ?? []) {
      if (this.containers.has(spec.name)) continue;
      const c = this.newRt(spec, 'ephemeral');
      this.containers.set(spec.name, c);
      if (this.sandboxReady) this.startContainer(c);
    }
  }

  /** A PVC, PV or configMap changed: volumes that were waiting may be ready now. */
  poke(): void {
    if (!this.volumesReady && !this.terminating && !this.settingUp) void this.env.inflight.add(this.setupVolumes());
  }

  /** A PV changed: when it was expanded, the mounts (df, stats/summary) show its new capacity. */
  pvChanged(pv: PvView): void {
    // offline expansion: a running pod keeps the old file system size until it is recreated.
    if (!this.env.storage.growsOnline(pv)) return;
    for (const vol of this.volumes.values()) {
      const bytes = parseQuantity(pv.spec.capacity?.storage);
      if (vol.pv === pv.metadata.name && bytes) vol.capacityBytes = bytes;
    }
  }

  private settingUp = false;

  private async setupVolumes(): Promise<void> {
    if (this.stopped || this.volumesReady) return;
    this.settingUp = true;
    try {
      const missing = await prepareVolumes(this);
      if (this.stopped) return;
      if (missing) {
        this.event('Warning', 'FailedMount', missing);
        this.after(TIMING.mountRetryMs, () => void this.env.inflight.add(this.setupVolumes()));
        return;
      }
      this.volumesReady = true;
      this.after(TIMING.sandboxMs, () => this.sandboxCreated());
    } finally {
      this.settingUp = false;
    }
  }

  private sandboxCreated(): void {
    if (this.terminating) return;
    this.podIP = allocatePodIP(this.node, this.uid);
    this.sandboxReady = true;
    this.serviceEnv = computeServiceEnv(this);
    this.queueWrite();
    this.startNextInit();
    for (const c of this.containers.values()) if (c.role === 'ephemeral' && !c.instances.length) this.startContainer(c);
  }

  private initDone(): boolean {
    for (const c of this.containers.values()) {
      if (c.role === 'init' && !c.completed) return false;
      if (c.role === 'sidecar' && !c.started) return false;
    }
    return true;
  }

  private startNextInit(): void {
    if (this.terminating) return;
    for (const c of this.containers.values()) {
      if (c.role === 'init' && !c.completed) {
        if (!c.running && !c.instances.length) this.startContainer(c);
        return;
      }
      if (c.role === 'sidecar' && !c.started) {
        if (!c.running && !c.instances.length) this.startContainer(c);
        return;
      }
    }
    for (const c of this.containers.values()) if (c.role === 'app' && !c.instances.length && !c.running) this.startContainer(c);
    this.queueWrite();
  }

  private startContainer(c: ContainerRt): void {
    if (this.terminating || c.starting || c.running) return;
    c.starting = true;
    const image = c.spec.image;
    const pullAlways =
      c.spec.imagePullPolicy === 'Always' || (!c.spec.imagePullPolicy && (!/:[^/]+$/.test(image) || image.endsWith(':latest')));
    c.waitingReason =
      c.instances.length || c.pullFailures
        ? c.waitingReason
        : this.initDone() || c.role !== 'app'
          ? 'ContainerCreating'
          : 'PodInitializing';
    if (isUnpullable(image)) {
      this.event('Normal', 'Pulling', `Pulling image "${image}"`, c);
      this.after(TIMING.pullMs, () => this.pullFailed(c), c);
    } else if (!this.node.images.has(image) || pullAlways) {
      this.event('Normal', 'Pulling', `Pulling image "${image}"`, c);
      this.after(
        TIMING.pullMs,
        () => {
          const secs = (TIMING.pullMs / 1000).toFixed(3);
          const size = 10_000_000 + (parseInt(sha(image).slice(0, 6), 16) % 90_000_000);
          this.event(
            'Normal',
            'Pulled',
            `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: ${size} bytes.`,
            c,
          );
          this.node.images.add(image);
          this.createAndStart(c);
        },
        c,
      );
    } else {
      this.event('Normal', 'Pulled', `Container image "${image}" already present on machine`, c);
      this.after(0, () => this.createAndStart(c), c);
    }
  }

  /**
   * A pull that failed: ErrImagePull now; on the kubelet's next sync the image is in back-off, ImagePullBackOff
   * (10 s doubling to 5 min, as the kubelet's image back-off), and the pull is tried again when it runs out.
   */
  private pullFailed(c: ContainerRt): void {
    if (this.terminating) return;
    const ref = normalizedReference(c.spec.image);
    const why = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
    this.event('Warning', 'Failed', `Failed to pull image "${c.spec.image}": ${why}`, c);
    this.event('Warning', 'Failed', 'Error: ErrImagePull', c);
    c.waitingReason = 'ErrImagePull';
    c.waitingMessage = why;
    c.pullFailures++;
    this.queueWrite();
    this.after(
      TIMING.syncMs,
      () => {
        this.event('Normal', 'BackOff', `Back-off pulling image "${c.spec.image}"`, c);
        this.event('Warning', 'Failed', 'Error: ImagePullBackOff', c);
        c.waitingReason = 'ImagePullBackOff';
        c.waitingMessage = `Back-off pulling image "${c.spec.image}": ErrImagePull: ${why}`;
        this.queueWrite();
        this.after(
          Math.max(0, restartBackoffMs(c.pullFailures) - TIMING.syncMs),
          () => {
            c.starting = false;
            this.startContainer(c);
          },
          c,
        );
      },
      c,
    );
  }

  private createAndStart(c: ContainerRt): void {
    if (this.terminating) return;
    this.event('Normal', 'Created', `Created container: ${c.spec.name}`, c);
    this.after(
      TIMING.createMs,
      () => {
        if (this.terminating) return;
        const id = randomBytes(32).toString('hex');
        const rootDir = join(this.env.dataDir, 'containers', id);
        const envVars = containerEnv(this, c.spec, this.serviceEnv);
        const inst: Instance = {
          id,
          startedAt: this.ctx.store.timestamp(),
          logs: [],
          fs: containerFs(this, c.spec, rootDir),
          rootDir,
          env: envVars,
          startedMs: Date.now(),
        };
        if (c.instances.length) c.restartCount++;
        // Only the last two instances matter (current and previous); older writable layers go.
        const old = c.instances.length >= 2 ? c.instances.splice(0, c.instances.length - 1) : [];
        for (const o of old) void this.env.inflight.add(rm(o.rootDir, { recursive: true, force: true }));
        c.instances.push(inst);
        c.imageID = `${image(c.spec.image)}@sha256:${sha(c.spec.image)}`;
        c.running = true;
        c.starting = false;
        c.waitingReason = undefined;
        c.waitingMessage = undefined;
        this.event('Normal', 'Started', `Started container ${c.spec.name}`, c);
        const exit = selfExit(c.kind, c.role === 'init');
        if (exit) {
          this.after(
            exit.afterMs,
            () => {
              const last = onExitLog(c.kind);
              if (last) this.log(inst, last);
              this.containerExited(c, inst, exit.exitCode, exit.reason);
            },
            c,
          );
        }
        // Probes (and readiness without a probe) begin once the app's own start-up work is done.
        void this.env.inflight.add(
          onStart(this.appInstance(c, inst))
            .catch(() => undefined)
            .then(() => {
              if (!this.stopped && c.running && c.instances[c.instances.length - 1] === inst) this.startProbes(c, inst);
            }),
        );
        this.queueWrite();
      },
      c,
    );
  }

  private appInstance(c: ContainerRt, inst: Instance): AppInstance {
    return { kind: c.kind, spec: c.spec, env: inst.env, fs: inst.fs, podIP: this.podIP ?? '', log: (l) => this.log(inst, l) };
  }

  private log(inst: Instance, line: string): void {
    inst.logs.push({ at: new Date(), line });
    if (inst.logs.length > TIMING.maxLogLines) inst.logs.splice(0, inst.logs.length - TIMING.maxLogLines);
  }

  private containerExited(c: ContainerRt, inst: Instance, exitCode: number, reason: string): void {
    if (!c.running || c.instances[c.instances.length - 1] !== inst) return;
    inst.exitCode = exitCode;
    inst.reason = reason;
    inst.finishedAt = this.ctx.store.timestamp();
    c.running = false;
    c.started = false;
    c.ready = false;
    for (const cancel of c.cancels) cancel();
    c.cancels.clear();
    c.probes = {};
    if (this.terminating) {
      this.queueWrite();
      return;
    }
    if (c.role === 'init' && exitCode === 0) {
      c.completed = true;
      this.queueWrite();
      this.startNextInit();
      return;
    }
    const policy = c.role === 'sidecar' ? 'Always' : c.role === 'ephemeral' ? 'Never' : (this.pod.spec.restartPolicy ?? 'Always');
    if (policy === 'Never' || (policy === 'OnFailure' && exitCode === 0)) {
      this.queueWrite();
      return;
    }
    if (Date.now() - inst.startedMs > TIMING.backoffResetMs / this.ctx.clock.scale) c.failures = 0;
    const delay = restartBackoffMs(c.failures);
    c.failures++;
    if (delay > 0) {
      c.waitingReason = 'CrashLoopBackOff';
      c.waitingMessage = `back-off ${formatDuration(delay)} restarting failed container=${c.spec.name} pod=${this.name}_${this.ns}(${this.uid})`;
      this.event(
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.spec.name} in pod ${this.name}_${this.ns}(${this.uid})`,
        c,
      );
      this.after(delay, () => this.startContainer(c), c);
    } else {
      this.startContainer(c);
    }
    this.queueWrite();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Probes

  private startProbes(c: ContainerRt, inst: Instance): void {
    const { startupProbe, livenessProbe, readinessProbe } = c.spec;
    const afterStartup = () => {
      c.started = true;
      if (!readinessProbe) c.ready = true;
      this.queueWrite();
      // A started native sidecar lets the next init container (or the app containers) start.
      this.startNextInit();
      if (livenessProbe) this.probeLoop(c, inst, 'liveness', livenessProbe);
      if (readinessProbe) this.probeLoop(c, inst, 'readiness', readinessProbe);
    };
    // Regular init containers are not probed; ephemeral containers have no probes and are never ready.
    if (c.role === 'init') return;
    if (c.role === 'ephemeral') {
      c.started = true;
      this.queueWrite();
      return;
    }
    if (startupProbe) this.probeLoop(c, inst, 'startup', startupProbe, afterStartup);
    else afterStartup();
  }

  private probeLoop(c: ContainerRt, inst: Instance, kind: ProbeKind, probe: Probe, onStarted?: () => void): void {
    const tracker = new ProbeTracker(kind, probe);
    c.probes[kind] = tracker;
    const tick = async () => {
      if (!c.running || c.instances[c.instances.length - 1] !== inst || this.terminating) return;
      const { ok, output } = await this.runProbe(c, inst, kind, probe);
      if (!c.running || c.instances[c.instances.length - 1] !== inst || this.terminating || this.stopped) return;
      if (!ok) this.event('Warning', 'Unhealthy', probeFailureMessage(kind, output), c);
      const changed = tracker.observe(ok);
      if (kind === 'readiness' && changed) {
        c.ready = tracker.result;
        this.queueWrite();
      }
      if (kind === 'startup' && changed && tracker.result) {
        onStarted?.();
        return;
      }
      if ((kind === 'liveness' || kind === 'startup') && changed && !tracker.result) {
        const why = kind === 'liveness' ? 'failed liveness probe' : 'failed startup probe';
        this.event('Normal', 'Killing', `Container ${c.spec.name} ${why}, will be restarted`, c);
        this.after(
          Math.min(TIMING.stopMs, (this.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000),
          () => this.containerExited(c, inst, 137, 'Error'),
          c,
        );
        return;
      }
      this.after(tracker.timing.periodMs, () => void this.env.inflight.add(tick()), c);
    };
    this.after(tracker.timing.initialDelayMs, () => void this.env.inflight.add(tick()), c);
  }

  /** Run one probe against the container, as the prober would. */
  async runProbe(c: ContainerRt, inst: Instance, kind: ProbeKind, probe: Probe): Promise<{ ok: boolean; output: string }> {
    const ip = this.podIP ?? '';
    const portOf = (p: number | string) =>
      typeof p === 'number' ? p : (c.spec.ports?.find((cp) => cp.name === p)?.containerPort ?? Number(p));
    if (probe.httpGet) {
      const port = portOf(probe.httpGet.port);
      const path = probe.httpGet.path ?? '/';
      const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
      if (!Number.isFinite(port)) return { ok: false, output: `unable to find port "${probe.httpGet.port}"` };
      if (!listens(c.kind, c.spec, inst.env, port))
        return { ok: false, output: `Get "${scheme}://${ip}:${port}${path}": dial tcp ${ip}:${port}: connect: connection refused` };
      const ans = await serveHttp(this.appInstance(c, inst), 'GET', path, kind);
      if (ans.status >= 200 && ans.status < 400) return { ok: true, output: '' };
      return { ok: false, output: `HTTP probe failed with statuscode: ${ans.status}` };
    }
    if (probe.tcpSocket) {
      const port = portOf(probe.tcpSocket.port);
      const ok = listens(c.kind, c.spec, inst.env, port);
      return ok ? { ok, output: '' } : { ok, output: `dial tcp ${ip}:${port}: connect: connection refused` };
    }
    if (probe.grpc) {
      const port = probe.grpc.port;
      if (!listens(c.kind, c.spec, inst.env, port))
        return { ok: false, output: `timeout: failed to connect service "${ip}:${port}" within 1s: context deadline exceeded` };
      if (c.kind === 'never-ready' && kind !== 'liveness') return { ok: false, output: 'service unhealthy (responded with "NOT_SERVING")' };
      return { ok: true, output: '' };
    }
    if (probe.exec) {
      const out: Buffer[] = [];
      const ac = new AbortController();
      const res = await runCommand(probe.exec.command ?? [], this.shellHost(c, inst), {
        stdin: () => Promise.resolve(Buffer.alloc(0)),
        stdout: (b) => out.push(b),
        stderr: (b) => out.push(b),
        signal: ac.signal,
      });
      if (res.startError) return { ok: false, output: res.startError.replace(/^error executing command in container: /, '') };
      const text = Buffer.concat(out).toString('utf8').replace(/\n$/, '');
      if (res.exitCode === 0) return { ok: true, output: text };
      return { ok: false, output: text || `command "${(probe.exec.command ?? []).join(' ')}" exited with ${res.exitCode}` };
    }
    return { ok: true, output: '' };
  }

  // ------------------------------------------------------------------------------------------------------------
  // Termination

  private terminate(): void {
    this.terminating = true;
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    const grace = (this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    const running = [...this.containers.values()].filter((c) => c.running);
    for (const c of this.containers.values()) {
      for (const cancel of c.cancels) cancel();
      c.cancels.clear();
      c.probes = {};
      c.ready = false;
    }
    for (const c of running) this.event('Normal', 'Killing', `Stopping container ${c.spec.name}`, c);
    this.queueWrite();
    const stopMs = running.length ? Math.min(grace, TIMING.stopMs) : 0;
    this.after(stopMs, () => {
      for (const c of running) {
        const inst = c.instances[c.instances.length - 1];
        if (inst)
          this.containerExited(c, inst, stopMs >= grace && grace > 0 ? 137 : 0, stopMs >= grace && grace > 0 ? 'Error' : 'Completed');
      }
      this.flushNow();
      const cur = this.ctx.store.get(R.pods, this.ns, this.name);
      if (cur && cur.metadata.uid === this.uid) {
        try {
          this.ctx.store.delete(R.pods, this.ns, this.name, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
        } catch {
          // Already gone.
        }
      }
    });
  }

  /** The pod is gone from the API: drop everything it had on the node. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const cancel of this.cancels) cancel();
    for (const c of this.containers.values()) {
      for (const cancel of c.cancels) cancel();
      c.running = false;
      for (const i of c.instances) void this.env.inflight.add(rm(i.rootDir, { recursive: true, force: true }));
    }
    releasePodIP(this.node, this.uid);
    void this.env.inflight.add(rm(join(this.env.dataDir, 'pods', this.uid), { recursive: true, force: true }));
  }

  // ------------------------------------------------------------------------------------------------------------
  // Names the pod answers to

  get hostname(): string {
    return this.pod.spec.hostname ?? this.name;
  }

  get fqdn(): string {
    return this.pod.spec.subdomain ? `${this.hostname}.${this.pod.spec.subdomain}.${this.ns}.svc.${CLUSTER_DOMAIN}` : this.hostname;
  }

  get search(): string[] {
    return [`${this.ns}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN];
  }

  /** A shell host for exec and exec probes in the container's current instance. */
  shellHost(c: ContainerRt, inst: Instance): ShellHost {
    const sc = { ...this.pod.spec.securityContext, ...c.spec.securityContext };
    return {
      fs: inst.fs,
      env: inst.env,
      cwd: containerWorkingDir(c.spec),
      hostname: this.hostname,
      fqdn: this.fqdn,
      podIP: this.podIP ?? '',
      uid: sc.runAsUser ?? 0,
      gid: sc.runAsGroup ?? sc.runAsUser ?? 0,
      dns: this.env.dns,
      search: this.search,
      nameserver: NAMESERVER,
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          const cancel = this.ctx.clock.after(ms, resolve);
          signal.addEventListener(
            'abort',
            () => {
              cancel();
              resolve();
            },
            { once: true },
          );
        }),
      now: () => new Date(),
      hasShell: c.kind !== 'distroless',
    };
  }

  /** The app instance a request to `port` reaches, or undefined when nothing listens there. */
  listener(port: number): { c: ContainerRt; app: AppInstance } | undefined {
    for (const c of this.containers.values()) {
      const inst = c.instances[c.instances.length - 1];
      if (!c.running || !inst) continue;
      const declared = (c.spec.ports ?? []).some((p) => p.containerPort === port);
      if (declared && listens(c.kind, c.spec, inst.env, port)) return { c, app: this.appInstance(c, inst) };
    }
    for (const c of this.containers.values()) {
      const inst = c.instances[c.instances.length - 1];
      if (c.running && inst && listens(c.kind, c.spec, inst.env, port)) return { c, app: this.appInstance(c, inst) };
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Status

  queueWrite(): void {
    if (this.writeQueued || this.stopped) return;
    this.writeQueued = true;
    queueMicrotask(() => {
      this.writeQueued = false;
      this.flushNow();
    });
  }

  flushNow(): void {
    if (this.stopped) return;
    const { store } = this.ctx;
    const cur = store.get(R.pods, this.ns, this.name);
    if (!cur || cur.metadata.uid !== this.uid) return;
    const status = this.buildStatus((cur.status ?? {}) as Record<string, unknown>);
    const json = JSON.stringify(status);
    if (json === this.lastWritten) return;
    this.lastWritten = json;
    cur.status = status;
    try {
      store.update(R.pods, cur, { subresource: 'status' });
    } catch {
      // The pod went away meanwhile.
    }
  }

  private cond(type: string, status: boolean, reason?: string, message?: string): Condition {
    const s = status ? 'True' : 'False';
    const prev = this.conds.get(type);
    const time = prev && prev.status === s ? prev.time : this.ctx.store.timestamp();
    this.conds.set(type, { status: s, time });
    const c: Condition = { lastProbeTime: null, lastTransitionTime: time, status: s, type };
    if (!status && reason) {
      c.reason = reason;
      if (message) c.message = message;
    }
    return c;
  }

  buildStatus(prev: Record<string, unknown>): Record<string, unknown> {
    const all = [...this.containers.values()];
    const apps = all.filter((c) => c.role === 'app');
    const inits = all.filter((c) => c.role === 'init' || c.role === 'sidecar');
    const ephemeral = all.filter((c) => c.role === 'ephemeral');
    const initDone = this.initDone();
    const incomplete = inits.filter((c) => (c.role === 'init' ? !c.completed : !c.started)).map((c) => c.spec.name);
    const unready = [...inits.filter((c) => c.role === 'sidecar' && !c.ready), ...apps.filter((c) => !c.ready)].map((c) => c.spec.name);
    const allReady = initDone && !unready.length && !this.terminating;
    const prevScheduled = ((prev.conditions as Condition[] | undefined) ?? []).find((c) => c.type === 'PodScheduled');
    const conditions: Condition[] = [
      this.cond('PodReadyToStartContainers', this.sandboxReady && !this.allStopped()),
      this.cond('Initialized', initDone, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
      this.cond(
        'Ready',
        allReady,
        initDone ? 'ContainersNotReady' : 'ContainersNotInitialized',
        initDone
          ? `containers with unready status: [${unready.join(' ')}]`
          : `containers with incomplete status: [${incomplete.join(' ')}]`,
      ),
      this.cond(
        'ContainersReady',
        allReady,
        initDone ? 'ContainersNotReady' : 'ContainersNotInitialized',
        initDone
          ? `containers with unready status: [${unready.join(' ')}]`
          : `containers with incomplete status: [${incomplete.join(' ')}]`,
      ),
      prevScheduled?.status === 'True'
        ? prevScheduled
        : { lastProbeTime: null, lastTransitionTime: this.startTime, status: 'True', type: 'PodScheduled' },
    ];
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    let phase = 'Pending';
    if (initDone && apps.every((c) => c.instances.length > 0)) {
      const done = apps.every((c) => !c.running && !c.waitingReason);
      if (done && policy !== 'Always')
        phase = apps.every((c) => c.instances[c.instances.length - 1]?.exitCode === 0)
          ? 'Succeeded'
          : policy === 'Never'
            ? 'Failed'
            : 'Running';
      else phase = 'Running';
    }
    const status: Record<string, unknown> = {
      ...prev,
      conditions,
      hostIP: this.node.internalIP,
      hostIPs: [{ ip: this.node.internalIP }],
      phase,
      qosClass: qosClass(this.pod),
      startTime: this.startTime,
      containerStatuses: apps
        .map((c) => this.containerStatus(c, initDone))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    };
    if (this.podIP) {
      status.podIP = this.podIP;
      status.podIPs = [{ ip: this.podIP }];
    }
    if (inits.length) status.initContainerStatuses = inits.map((c) => this.containerStatus(c, initDone));
    else delete status.initContainerStatuses;
    if (ephemeral.length) status.ephemeralContainerStatuses = ephemeral.map((c) => this.containerStatus(c, initDone));
    else delete status.ephemeralContainerStatuses;
    return status;
  }

  private allStopped(): boolean {
    return this.terminating && [...this.containers.values()].every((c) => !c.running);
  }

  private containerStatus(c: ContainerRt, initDone: boolean): { name: string } & Record<string, unknown> {
    const cur = c.instances[c.instances.length - 1];
    const prevInst = c.instances[c.instances.length - 2];
    const terminated = (i: Instance) => ({
      terminated: {
        containerID: `sim://${i.id}`,
        exitCode: i.exitCode ?? 0,
        finishedAt: i.finishedAt,
        reason: i.reason ?? 'Completed',
        startedAt: i.startedAt,
      },
    });
    let state: Record<string, unknown>;
    let lastState: Record<string, unknown> = {};
    if (c.running && cur) {
      state = { running: { startedAt: cur.startedAt } };
      if (prevInst?.finishedAt) lastState = terminated(prevInst);
    } else if (cur?.finishedAt && !c.waitingReason) {
      state = terminated(cur);
      if (prevInst?.finishedAt) lastState = terminated(prevInst);
    } else {
      const reason =
        c.waitingReason ?? (c.role === 'app' && !initDone ? 'PodInitializing' : c.role === 'app' ? 'ContainerCreating' : 'PodInitializing');
      state = { waiting: { reason, ...(c.waitingMessage ? { message: c.waitingMessage } : {}) } };
      if (cur?.finishedAt) lastState = terminated(cur);
    }
    const st: { name: string } & Record<string, unknown> = {
      name: c.spec.name,
      state,
      lastState,
      ready: c.role !== 'ephemeral' && c.ready && !this.terminating,
      restartCount: c.restartCount,
      image: c.spec.image,
      imageID: cur ? (c.imageID ?? '') : '',
      // The prober sets `started` for regular and init containers only.
      ...(c.role === 'ephemeral' ? {} : { started: c.started && c.running }),
      volumeMounts: (c.spec.volumeMounts ?? []).map((m) => ({
        name: m.name,
        mountPath: m.mountPath,
        ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
      })),
    };
    if (cur) st.containerID = `sim://${cur.id}`;
    return st;
  }
}

function image(img: string): string {
  return img.split('@')[0]!.replace(/:[^/:]+$/, '');
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const r = s % 60;
  return r ? `${m}m${r}s` : `${m}m0s`;
}

/** Guaranteed when every container has equal cpu and memory requests and limits, BestEffort without any, else Burstable. */
export function qosClass(pod: PodView): string {
  const cs = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let any = false;
  let guaranteed = true;
  for (const c of cs) {
    const lim = c.resources?.limits ?? {};
    const req = { ...lim, ...(c.resources?.requests ?? {}) };
    if (Object.keys(lim).length || Object.keys(c.resources?.requests ?? {}).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (!lim[r] || parseQuantity(req[r]) !== parseQuantity(lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
