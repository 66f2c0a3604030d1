// The versioned document `roll -o json|yaml` prints: one RolloutReport and nothing else on stdout.

import type { BudgetRef, Operation, TemplateChange } from '../../core/operation.ts';

export const ROLLOUT_REPORT_KIND = 'RolloutReport';
export const ROLLOUT_REPORT_API_VERSION = 'sts-inspect.dev/v1';

/** aborted: interrupted (Ctrl-C); stopped: changed part-way and stopped (a declined prompt, a refused step). */
export type RolloutResult = 'complete' | 'stuck' | 'timeout' | 'aborted' | 'stopped' | 'planned';
/**
 * planned: in a --dry-run plan, an ordinal that will move (its step in `operation` says how). updated: moved
 * by the controller to the update revision the set already had (--pending-only under RollingUpdate).
 * already-updated: ran the update revision, Ready, before the command began (--watch-only, --pending-only).
 */
export type OrdinalAction = 'restarted' | 'deleted' | 'updated' | 'watched' | 'unchanged' | 'already-updated' | 'planned';

/** An ordinal the command did not move (below the partition, or already on the update revision). */
export const stays = (a: OrdinalAction): boolean => a === 'unchanged' || a === 'already-updated';

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
  /** What the pod gets beyond the restart (issue 15): [] for a pure restart, null when unknown. */
  templateChanges: TemplateChange[] | null;
  /** Moved by an earlier run of the same roll (this run resumed it); startedAt/readyAt are then unknown (null). */
  earlierRun?: boolean;
}

export interface StuckReport {
  ordinal: number;
  pod: string;
  revision: string | null;
  /** ImagePull, CrashLoop, ContainerConfig, NotReady, Timeout, WaitingForDelete */
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
  /** The PodDisruptionBudgets that select the pods, with their disruptionsAllowed; null: not readable. */
  budgets: BudgetRef[] | null;
  stuck: StuckReport | null;
  /** When the operation is not finished: the command that finishes it. */
  resume: string | null;
  /** In a plan (result planned): the steps the executor would run, as data. */
  operation?: Operation;
}
