// The container images the simulated kubelet knows, by repository name (any tag). Any other image runs as a
// generic healthy container with a shell and the built-in commands. README's sandbox section documents these.

export const IMAGES = {
  /** The write-ups' app: serves HTTP on its containerPort, counts requests in $VISITS_FILE (default /data/visits.txt). */
  visits: 'sim/visits',
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

/** Images that are unhealthy by design: a pod running one counts as settled without being Ready. */
export function isUnhealthyByDesign(image: string): boolean {
  const repo = imageRepository(image);
  return repo === IMAGES.neverReady || repo === IMAGES.crashloop || repo === IMAGES.oomkill;
}
