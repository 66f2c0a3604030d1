// Report -> text. Table (default), wide, JSON, YAML. Returns strings; never prints.

import { stringify as toYaml } from 'yaml';
import { palette, type Palette } from '../../ui/color.ts';
import { renderTable } from '../../ui/table.ts';
import { contentCell } from '../../core/content.ts';
import { ageOf, restartsCell } from '@sts-inspect/k8s';
import { terminationText } from '../../core/probes.ts';
import { revisionCell, shortRevision } from '../../core/revision.ts';
import type { ClaimRow, FileRead, InspectReport, OrdinalRow, StatefulSetHeader, StatefulSetListReport } from './schema.ts';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

export interface RenderOptions {
  format: OutputFormat;
  headers: boolean;
  color: boolean;
}

const NONE = '-';

function statusColor(p: Palette, status: string): string {
  if (status === 'Running' || status === 'Completed') return p.ok(status);
  if (/Pending|ContainerCreating|PodInitializing|Terminating|Init:\d/.test(status)) return p.warn(status);
  return p.bad(status);
}

function revisionText(h: StatefulSetHeader): string {
  const cur = h.revisions.current ?? '<none>';
  const upd = h.revisions.update ?? '<none>';
  const n = (x: number | null) => (x === null ? '' : ` (#${x})`);
  if (cur === upd) return `${upd}${n(h.revisions.updateNumber)} (current = update)`;
  return `current ${cur}${n(h.revisions.currentNumber)} -> update ${upd}${n(h.revisions.updateNumber)}`;
}

function strategyText(h: StatefulSetHeader): string {
  const s = h.updateStrategy;
  if (s.type !== 'RollingUpdate') return s.type;
  const parts = [`partition ${s.partition ?? 0}`];
  if (s.maxUnavailable !== null) parts.push(`maxUnavailable ${s.maxUnavailable}`);
  return `RollingUpdate (${parts.join(', ')})`;
}

function retentionText(h: StatefulSetHeader): string {
  const r = h.pvcRetentionPolicy;
  if (!r) return 'n/a (cluster < 1.27: claims are always retained)';
  return `whenDeleted ${r.whenDeleted}, whenScaled ${r.whenScaled}`;
}

function serviceText(h: StatefulSetHeader, p: Palette): string {
  const g = h.governingService;
  switch (g.state) {
    case 'headless':
      return `${g.name} (headless)`;
    case 'not-headless':
      return p.warn(`${g.name} (NOT headless: pods get no DNS names)`);
    case 'missing':
      return p.bad(`${g.name} (missing: pods get no DNS names)`);
    case 'unset':
      return p.warn('<none> (spec.serviceName is empty)');
    case 'unknown':
      return `${g.name} (could not be read)`;
  }
}

function headerBlock(r: InspectReport, p: Palette): string {
  const h = r.statefulSet;
  const start = h.ordinalsStart;
  const end = start + h.replicas.desired - 1;
  const ready = `${h.replicas.ready}/${h.replicas.desired} ready`;
  const lines: [string, string][] = [
    ['StatefulSet', `${h.namespace}/${h.name}${h.helmRelease ? `  (Helm release ${h.helmRelease.name}${h.helmRelease.chart ? `, chart ${h.helmRelease.chart}` : ''})` : ''}`],
    [
      'Replicas',
      `${h.replicas.ready === h.replicas.desired ? p.ok(ready) : p.warn(ready)}, ${h.replicas.updated} updated, ${h.replicas.current} current${h.replicas.available !== null ? `, ${h.replicas.available} available` : ''}; ordinals ${h.replicas.desired > 0 ? `${start}..${end}` : 'none'}`,
    ],
    ['Pod management', h.podManagementPolicy],
    ['Update strategy', strategyText(h)],
    ['Revision', revisionText(h)],
    ['PVC retention', retentionText(h)],
    ['Service', serviceText(h, p)],
  ];
  if (r.file) lines.push(['File', `${r.file.path} (first ${r.file.maxBytes} bytes)`]);
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  return lines.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`).join('\n') + '\n';
}

function claimCell(c: ClaimRow, wide: boolean, p: Palette): string {
  if (c.exists === null) return `${c.name} ?`;
  if (!c.exists) return `${c.name} ${p.bad('missing')}`;
  const status = c.status === 'Bound' ? p.ok(c.status) : p.warn(c.status ?? '?');
  const parts = [c.name, status, c.capacity ?? ''];
  if (wide) parts.push(c.accessModes.join(',') || NONE, c.storageClass ?? NONE, c.volume ?? NONE);
  return parts.filter((x) => x !== '').join(' ');
}

function probeLines(row: OrdinalRow, wide: boolean, p: Palette): string[] {
  // Name the container only when there is more than one to tell apart.
  const multi = row.containers.length > 1;
  const out: string[] = [];
  for (const c of row.containers) {
    for (const probe of c.probes) {
      const state = probe.healthy === false ? p.bad(probe.state) : probe.healthy ? p.ok(probe.state) : probe.state;
      out.push(`${multi ? `${c.name}/` : ''}${probe.kind} ${probe.phrase}: ${state}`);
      if (probe.lastFailure && (wide || probe.healthy === false)) {
        out.push(`  ${p.dim(`last failure${probe.lastFailure.count > 1 ? ` (x${probe.lastFailure.count})` : ''}: ${probe.lastFailure.message}`)}`);
      }
    }
    if (c.lastTermination) {
      out.push(`${multi ? `${c.name}/` : ''}${p.warn(`last terminated: ${terminationText(c.lastTermination)}`)}`);
    }
  }
  return out.length ? out : [NONE];
}

function fileCell(f: FileRead | null, maxBytes: number, p: Palette): string {
  if (!f) return NONE;
  if (!f.ok) return p.bad(`<${f.error ?? 'error'}>`);
  return contentCell({ binary: f.binary, text: f.content ?? '', bytesRead: f.bytesRead, truncated: f.truncated }, maxBytes);
}

function detailTable(r: InspectReport, wide: boolean, headers: boolean, p: Palette): string {
  const setName = r.statefulSet.name;
  const head = ['ORDINAL', 'POD', 'STATUS', 'READY', 'RESTARTS', 'AGE'];
  if (wide) head.push('NODE', 'IP');
  head.push('REVISION');
  if (r.statefulSet.volumeClaimTemplates.length) head.push(wide ? 'PVC (STATUS CAPACITY MODES CLASS VOLUME)' : 'PVC');
  head.push('DNS', 'PROBES');
  if (r.file) head.push('FILE');

  const rows = r.ordinals.map((row) => {
    const ordinal = row.inRange ? String(row.ordinal) : `${row.ordinal} (beyond replicas)`;
    const cells: string[] = [ordinal, row.pod];
    if (row.missing) {
      cells.push(p.bad('pod missing'), NONE, NONE, NONE);
      if (wide) cells.push(NONE, NONE);
      cells.push(NONE);
    } else {
      const restarts = row.restarts ?? 0;
      const restartText = restartsCell({ restarts, ...(row.lastRestartAt ? { lastRestartAt: row.lastRestartAt } : {}) }, Date.parse(r.generatedAt));
      cells.push(
        statusColor(p, row.status ?? 'Unknown'),
        row.ready ? `${row.ready.ready}/${row.ready.total}` : NONE,
        restarts > 0 ? p.warn(restartText) : String(restarts),
        row.age ?? NONE,
      );
      if (wide) cells.push(row.node ?? NONE, row.podIP ?? NONE);
      const rev = revisionCell(row.revision ?? { name: null, mark: 'unknown' }, setName);
      cells.push(row.revision && row.revision.mark !== 'update' ? p.warn(rev) : rev);
    }
    if (r.statefulSet.volumeClaimTemplates.length) cells.push(row.claims.map((c) => claimCell(c, wide, p)).join('\n'));
    cells.push(row.dns.resolvable ? row.dns.name : p.dim(`${row.dns.name} (unresolvable)`));
    cells.push(row.missing ? NONE : probeLines(row, wide, p).join('\n'));
    if (r.file) cells.push(fileCell(row.file, r.file.maxBytes, p));
    return cells;
  });
  return renderTable(headers ? head : null, rows);
}

function orphanBlock(r: InspectReport, headers: boolean, p: Palette): string {
  if (r.orphanedClaims.length === 0) return '';
  const reasons = [...new Set(r.orphanedClaims.map((o) => o.reason))];
  const title = `${p.warn(`Orphaned claims (${r.orphanedClaims.length})`)}: ${reasons.join('; ')}`;
  const rows = r.orphanedClaims.map((o) => [o.name, String(o.ordinal), o.status ?? NONE, o.capacity ?? NONE, o.volume ?? NONE]);
  return `\n${headers ? `${title}\n` : ''}${renderTable(headers ? ['CLAIM', 'ORDINAL', 'STATUS', 'CAPACITY', 'VOLUME'] : null, rows)}`;
}

export function renderInspection(r: InspectReport, o: RenderOptions): string {
  if (o.format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  if (o.format === 'yaml') return toYaml(r);
  const p = palette(o.color);
  const wide = o.format === 'wide';
  return `${o.headers ? `${headerBlock(r, p)}\n` : ''}${detailTable(r, wide, o.headers, p)}${orphanBlock(r, o.headers, p)}`;
}

export function renderList(r: StatefulSetListReport, o: RenderOptions & { allNamespaces: boolean }): string {
  if (o.format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  if (o.format === 'yaml') return toYaml(r);
  const p = palette(o.color);
  const wide = o.format === 'wide';
  const head = [...(o.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'READY', 'UPDATED', 'POLICY', 'STRATEGY', 'SERVICE', 'AGE'];
  if (wide) head.push('REVISION', 'CLAIM TEMPLATES');
  const rows = r.items.map((s) => {
    const ready = `${s.replicas.ready}/${s.replicas.desired}`;
    const svc = s.governingService;
    const svcText =
      svc.state === 'headless' ? `${svc.name} (headless)` : svc.state === 'unknown' ? `${svc.name ?? '<none>'} (?)` : p.warn(`${svc.name ?? '<none>'} (${svc.state})`);
    const cells = [
      ...(o.allNamespaces ? [s.namespace] : []),
      s.name,
      s.replicas.ready === s.replicas.desired ? ready : p.warn(ready),
      String(s.replicas.updated),
      s.podManagementPolicy,
      s.updateStrategy,
      svcText,
      s.age,
    ];
    if (wide) {
      const rev = s.revisions.current === s.revisions.update ? shortRevision(s.revisions.update, s.name) : `${shortRevision(s.revisions.current, s.name)} -> ${shortRevision(s.revisions.update, s.name)}`;
      cells.push(rev, s.volumeClaimTemplates.join(',') || NONE);
    }
    return cells;
  });
  return renderTable(o.headers ? head : null, rows);
}
