// The container images the simulated kubelet knows, by repository name (any tag). Any other image runs as a
// generic healthy container with a shell and the built-in commands. README's sandbox section documents these.
//
// | image              | serves HTTP               | probes                               | on its own                          |
// |--------------------|---------------------------|--------------------------------------|-------------------------------------|
// | sim/visits         | its containerPorts        | succeed on its ports                 | counts GET / in $VISITS_FILE        |
// | sim/visits-app     | its containerPorts        | succeed on its ports                 | same, WORKDIR /app, counter visits/visits.txt |
// | sim/visits-reset   | its containerPorts        | succeed on its ports                 | same, but writes 0 at every start   |
// | sim/never-ready    | its containerPorts        | readiness/startup fail (503), liveness ok | runs                           |
// | sim/crashloop      | nothing                   | fail (connection refused)            | exits 1 ~1 s after each start       |
// | sim/oomkill        | nothing                   | fail                                 | OOMKilled (137) ~1 s after start    |
// | sim/distroless     | any port                  | http/tcp/grpc succeed; exec cannot start | no shell, no coreutils          |
// | sim/unpullable, sim/missing* | -                | -                                    | never pulled: ErrImagePull, then ImagePullBackOff |
// | anything else      | any port                  | succeed                              | runs; init containers complete      |

export const IMAGES = {
  /** The write-ups' app: serves HTTP on its containerPort, counts requests in $VISITS_FILE (default /data/visits.txt). */
  visits: 'sim/visits',
  /**
   * The same app built as the write-ups' Dockerfiles build it: WORKDIR /app, the counter at the relative path
   * $VISITS_FILE (default visits/visits.txt), so `kubectl exec POD -- cat visits/visits.txt` reads it.
   */
  visitsApp: 'sim/visits-app',
  /** The same app, but it truncates its counter file when it starts (the data-loss case). */
  visitsReset: 'sim/visits-reset',
  /** Starts and runs, but its readiness probe never succeeds. */
  neverReady: 'sim/never-ready',
  /** Exits with code 1 a moment after each start: CrashLoopBackOff, restartCount and lastState grow. */
  crashloop: 'sim/crashloop',
  /** Is killed for exceeding its memory a moment after each start: lastState.terminated.reason OOMKilled. */
  oomkill: 'sim/oomkill',
  /** Healthy, but has no shell and no coreutils: exec of anything fails as with a distroless image. */
  distroless: 'sim/distroless',
} as const;

/** The image's repository without registry-less tag or digest: `sim/visits:2` -> `sim/visits`. */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * Images no registry has: `sim/unpullable` and any `sim/missing...` repository. The kubelet's pulls fail with
 * containerd's NotFound, as for a typo in an image name.
 */
export function isUnpullable(image: string): boolean {
  const repo = imageRepository(image).replace(/^(docker\.io|localhost(:\d+)?|registry\.local)\//, '');
  return repo === 'sim/unpullable' || repo.startsWith('sim/missing');
}

/** The fully qualified reference containerd resolves: `sim/x` -> `docker.io/sim/x:latest`. */
export function normalizedReference(image: string): string {
  const first = image.split('/')[0]!;
  const hasRegistry = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let ref = hasRegistry ? image : `docker.io/${image.includes('/') ? image : `library/${image}`}`;
  const lastSlash = ref.lastIndexOf('/');
  if (!ref.includes('@') && ref.lastIndexOf(':') < lastSlash) ref += ':latest';
  return ref;
}

/** Images that are unhealthy by design: a pod running one counts as settled without being Ready. */
export function isUnhealthyByDesign(image: string): boolean {
  const repo = imageRepository(image);
  return repo === IMAGES.neverReady || repo === IMAGES.crashloop || repo === IMAGES.oomkill;
}

/** The image's WORKDIR (its config's WorkingDir): where exec and the app start unless the container sets workingDir. */
export function imageWorkingDir(image: string): string {
  const repo = imageRepository(image).replace(/^(docker\.io|localhost(:\d+)?|registry\.local)\//, '');
  return repo === IMAGES.visitsApp ? '/app' : '/';
}

/** The working directory a container's processes start in: spec.workingDir, else the image's. */
export function containerWorkingDir(spec: { image: string; workingDir?: string }): string {
  return spec.workingDir || imageWorkingDir(spec.image);
}

export type ImageKind = 'visits' | 'visits-reset' | 'never-ready' | 'crashloop' | 'oomkill' | 'distroless' | 'generic';

/** Which behaviour an image has; registries in front (`docker.io/sim/visits`) are ignored. */
export function imageKind(image: string): ImageKind {
  const repo = imageRepository(image).replace(/^(docker\.io|localhost(:\d+)?|registry\.local)\//, '');
  switch (repo) {
    case IMAGES.visits:
    case IMAGES.visitsApp:
      return 'visits';
    case IMAGES.visitsReset:
      return 'visits-reset';
    case IMAGES.neverReady:
      return 'never-ready';
    case IMAGES.crashloop:
      return 'crashloop';
    case IMAGES.oomkill:
      return 'oomkill';
    case IMAGES.distroless:
      return 'distroless';
    default:
      return 'generic';
  }
}
