// `roll`'s data -> strings: one line per step per ordinal, the summary, the plan, the JSON/YAML document.

import { stringify as toYaml } from 'yaml';
import { shortRevision } from '../../core/revision.ts';
import { formatMs } from '../../kube/duration.ts';
import { renderPlan } from '../../ui/plan.ts';
import { toMutationPlan, type RollPlan } from './plan.ts';
import type { RollEvent, StepPhase } from './run.ts';
import type { RolloutReport } from './schema.ts';

export type RollFormat = 'human' | 'json' | 'yaml';

const PHASE: Record<StepPhase, string> = {
  deleting: 'deleting (uid precondition)',
  terminating: 'terminating',
  gone: 'deleted',
  pending: 'Pending, not ready',
  running: 'Running, not ready',
  ready: 'Running, Ready',
};

function stamp(at: number, timestamps: boolean): string {
  return timestamps ? `${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')} ` : '';
}

function elapsed(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** A progress event as one line, or undefined for events that only move the spinner. */
export function eventLine(e: RollEvent, setName: string, timestamps: boolean): string | undefined {
  const s = stamp(e.at, timestamps);
  const rev = (r: string | null) => shortRevision(r, setName);
  switch (e.type) {
    case 'patched':
      return `${s}restarted statefulset ${setName}: ${e.detail}`;
    case 'revision':
      return `${s}update revision ${rev(e.to)}${e.from && e.from !== e.to ? ` (pods leave ${rev(e.from)})` : ''}`;
    case 'step':
      return `${s}ordinal ${e.ordinal}  ${e.pod}  ${rev(e.fromRevision)} -> ${rev(e.revision)}  ${PHASE[e.phase]}  ${elapsed(e.elapsedMs)}`;
    case 'note':
      return `${s}${e.message}`;
    case 'waiting':
      return timestamps ? `${s}${e.message}` : undefined;
  }
}

export function renderReport(report: RolloutReport, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : toYaml(report);
}

export function resumeCommand(report: Pick<RolloutReport, 'statefulSet'>): string {
  return `kubectl sts-inspect roll ${report.statefulSet.name} -n ${report.statefulSet.namespace} --watch-only`;
}

/** The human summary after the lines. */
export function renderSummary(report: RolloutReport, startedAt: number, endedAt: number): string {
  const { statefulSet: s } = report;
  const rev = (r: string | null) => shortRevision(r, s.name);
  const out: string[] = [];
  const head: Record<RolloutReport['result'], string> = {
    complete: 'complete',
    stuck: 'STUCK',
    timeout: 'TIMED OUT',
    aborted: 'interrupted',
    planned: 'planned',
  };
  out.push(`roll ${s.namespace}/${s.name} ${head[report.result]} after ${formatMs(Math.max(0, Math.round((endedAt - startedAt) / 100) * 100))}: ${report.message}`);
  out.push(`  ${s.updateStrategy}, ${s.podManagementPolicy}, partition ${s.partition}; revision ${rev(report.revisions.from)} -> ${rev(report.revisions.to)}`);
  for (const o of report.ordinals) {
    const when = o.readyAt ? `Ready at ${o.readyAt}` : o.startedAt ? 'not Ready yet' : '';
    const why = o.action === 'unchanged' && o.ordinal < s.partition ? ` (below the partition ${s.partition})` : '';
    out.push(`  ${o.pod}  ${o.action}${why}  ${rev(o.fromRevision)} -> ${rev(o.toRevision)}${when ? `  ${when}` : ''}`);
  }
  const held = report.ordinals.filter((o) => o.action === 'unchanged' && o.ordinal < s.partition);
  if (held.length && report.result === 'complete')
    out.push(`  ${held.map((o) => o.pod).join(', ')} stayed on the old revision: below the partition ${s.partition}; lower it to move them (kubectl sts-inspect roll ${s.name} -n ${s.namespace} --partition 0)`);
  if (report.stuck) {
    const k = report.stuck;
    out.push(`${k.reason === 'Timeout' || k.reason === 'WaitingForDelete' ? 'Waiting for' : 'Stuck at'} ordinal ${k.ordinal} (${k.pod}, revision ${rev(k.revision)}): ${k.reason}`);
    out.push(`  ${k.message}`);
    if (k.lastTermination) out.push(`  last termination: ${k.lastTermination}`);
    for (const e of k.events) out.push(`  event: Warning Unhealthy: ${e}`);
    out.push(`  remedy: ${k.remedy}`);
  }
  if (report.result === 'aborted') out.push(`Nothing further was changed. To resume following: ${resumeCommand(report)}`);
  return `${out.join('\n')}\n`;
}

export function renderDryRun(plan: RollPlan, restartedAt: string): string {
  return renderPlan(toMutationPlan(plan, restartedAt));
}
