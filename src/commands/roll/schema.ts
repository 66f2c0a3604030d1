// The versioned document `roll -o json|yaml` prints: one RolloutReport and nothing else on stdout.

export const ROLLOUT_REPORT_KIND = 'RolloutReport';
export const ROLLOUT_REPORT_API_VERSION = 'sts-inspect.dev/v1';

export type RolloutResult = 'complete' | 'stuck' | 'timeout' | 'aborted' | 'planned';
export type OrdinalAction = 'restarted' | 'deleted' | 'watched' | 'unchanged';

export interface OrdinalReport {
  ordinal: number;
  pod: string;
  fromRevision: string | null;
  toRevision: string | null;
  action: OrdinalAction;
  /** RFC 3339: when the ordinal started moving (deleted by us or the controller); null if it did not. */
  startedAt: string | null;
  /** RFC 3339: when it ran the update revision, Running and Ready; null if it did not get there. */
  readyAt: string | null;
}

export interface StuckReport {
  ordinal: number;
  pod: string;
  revision: string | null;
  /** ImagePull, CrashLoop, NotReady, Timeout, WaitingForDelete */
  reason: string;
  message: string;
  /** The pod's probe-failure (Unhealthy) Warning events, newest last. */
  events: string[];
  lastTermination: string | null;
  remedy: string;
}

export interface RolloutReport {
  kind: typeof ROLLOUT_REPORT_KIND;
  apiVersion: typeof ROLLOUT_REPORT_API_VERSION;
  result: RolloutResult;
  /** One line: the viewer's verdict at the end. */
  message: string;
  statefulSet: {
    namespace: string;
    name: string;
    updateStrategy: 'RollingUpdate' | 'OnDelete';
    /** The partition the rollout was judged by (the set's, or --partition). */
    partition: number;
    podManagementPolicy: 'OrderedReady' | 'Parallel';
  };
  revisions: { from: string | null; to: string | null };
  /** In the order they moved; those that did not move last, by ordinal. */
  ordinals: OrdinalReport[];
  stuck: StuckReport | null;
}
