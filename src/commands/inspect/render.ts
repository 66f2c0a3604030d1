// Report -> text. Table (default), wide, JSON, YAML. Returns strings; never prints.

import { stringify as toYaml } from 'yaml';
import { palette, stripAnsi, type Palette } from '../../ui/color.ts';
import { renderFittedTable, type FitRule } from '../../ui/table.ts';
import { displayWidth, truncateToWidth, wrapWords } from '../../ui/width.ts';
import { contentPreview, visibleText } from '../../core/content.ts';
import { ruleNote } from '../../core/fileRead.ts';
import { restartsCell } from '@sts-inspect/k8s';
import { terminationText } from '../../core/probes.ts';
import { revisionCell, shortRevision } from '../../core/revision.ts';
import { formatUsage } from '../../core/usageText.ts';
import type { OutputSpec } from '../../ui/output/format.ts';
import { printDocument } from '../../ui/output/print.ts';
import type {
  ClaimRow,
  FileRead,
  InspectReport,
  InspectReportList,
  OrdinalRow,
  StatefulSetHeader,
  StatefulSetListReport,
} from './schema.ts';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

export interface RenderOptions {
  format: OutputFormat;
  headers: boolean;
  color: boolean;
  /**
   * The terminal's width: the default table is cut to it (with `…`, never wrapped). Undefined off a terminal,
   * where nothing is cut (as kubectl), and ignored by `-o wide`, which shows everything.
   */
  width?: number;
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

/** `/data/visits.txt (claim mount)`: a found path with the rule that found it (none for an absolute --file). */
function foundText(f: FileRead): string {
  const note = f.rule === 'mount' || f.rule === 'workingDir' ? ruleNote(f.rule, f.path ?? '') : '';
  return note ? `${f.path ?? ''} ${note}` : (f.path ?? '');
}

/**
 * ` -> /data/visits.txt (claim mount) in container web-app`: where the pods found the file and by which rule
 * (per path with its count when they differ), in which container; only the container when nothing was found.
 */
function fileSource(r: InspectReport): string {
  const reads = r.ordinals.map((o) => o.file).filter((f): f is FileRead => !!f?.container);
  const found = reads.filter((f) => f.ok && f.path);
  const containers = new Set((found.length > 0 ? found : reads).map((f) => f.container));
  const inContainer = containers.size === 1 ? ` in container ${[...containers][0]!}` : '';
  if (found.length === 0) return inContainer;
  const counts = new Map<string, number>();
  for (const f of found) counts.set(foundText(f), (counts.get(foundText(f)) ?? 0) + 1);
  if (counts.size === 1) {
    const only = found[0]!;
    if (only.path === r.file?.path) return `${only.rule === 'workingDir' ? ` ${ruleNote('workingDir', only.path)}` : ''}${inContainer}`;
    return ` -> ${foundText(only)}${inContainer}`;
  }
  const each = [...counts].map(([text, n]) => `${text} in ${n} pod${n === 1 ? '' : 's'}`);
  return ` -> ${each.join(', ')}${inContainer}`;
}

function helmText(h: NonNullable<InspectReport['statefulSet']['helmRelease']>): string {
  const rev = h.revision !== null ? ` revision ${h.revision} ${h.status ?? ''}`.trimEnd() : '';
  return `Helm release ${h.name}${rev}${h.chart ? `, chart ${h.chart}` : ''}`;
}

function headerBlock(r: InspectReport, p: Palette, width: number | undefined, wide: boolean): string {
  const h = r.statefulSet;
  const start = h.ordinalsStart;
  const end = start + h.replicas.desired - 1;
  const ready = `${h.replicas.ready}/${h.replicas.desired} ready`;
  const lines: [string, string][] = [
    ['StatefulSet', `${h.namespace}/${h.name}${h.helmRelease ? `  (${helmText(h.helmRelease)})` : ''}`],
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
  if (r.podsNotOwned.length)
    lines.push([
      '',
      p.warn(
        `also selects ${r.podsNotOwned.length} pod${r.podsNotOwned.length === 1 ? '' : 's'} this set does not own (${[...new Set(r.podsNotOwned.map((f) => f.owner))].join(', ')}): traffic is shared with them`,
      ),
    ]);
  // What is the same for every ordinal is said once here; the rows keep what differs.
  const sample = r.ordinals.find((o) => o.dns.name.startsWith(`${o.pod}.`));
  if (sample) lines.push(['DNS names', `<pod>${sample.dns.name.slice(sample.pod.length)}`]);
  if (h.volumeClaimTemplates.length) lines.push(['PVCs', h.volumeClaimTemplates.map((t) => `${t}-${h.name}-<ordinal>`).join(', ')]);
  // Named as the rows name them: with the container when a pod has more than one.
  const multi = new Set(h.probes.map((pr) => pr.container)).size > 1 || r.ordinals.some((o) => o.containers.length > 1);
  h.probes.forEach((pr, i) =>
    lines.push([i === 0 ? 'Probes' : '', `${multi ? `${pr.container}/` : ''}${pr.kind} ${wide ? pr.detail : pr.phrase}`]),
  );
  if (r.file) lines.push(['File', `${r.file.path}${fileSource(r)} (first ${r.file.maxBytes} bytes)`]);
  const labelWidth = Math.max(...lines.map(([k]) => k.length)) + 2;
  const text = lines.map(([k, v]) => `${(k ? `${k}:` : '').padEnd(labelWidth)}${v}`);
  return `${(width === undefined ? text : text.map((l) => fitHeaderLine(l, labelWidth, width))).join('\n')}\n`;
}

/**
 * A header line on a terminal: wrapped at spaces under its value, so a name at its end (a Deployment, a chart, the
 * update revision, the container a file is read from) is never cut; only a single word wider than the room is cut.
 */
export function fitHeaderLine(line: string, labelWidth: number, width: number): string {
  if (displayWidth(line) <= width) return line;
  const room = Math.max(1, width - labelWidth);
  const indent = ' '.repeat(labelWidth);
  return wrapWords(line.slice(labelWidth), room)
    .split('\n')
    .map((piece, i) => truncateToWidth(`${i === 0 ? line.slice(0, labelWidth) : indent}${piece}`, width))
    .join('\n');
}

function claimCell(c: ClaimRow, wide: boolean, p: Palette): string {
  if (c.exists === null) return `${c.name} ?`;
  if (!c.exists) return `${c.name} ${p.bad('missing')}`;
  const status = c.status === 'Bound' ? p.ok(c.status) : p.warn(c.status ?? '?');
  const parts = [c.name, status, c.capacity ?? ''];
  if (wide) parts.push(c.accessModes.join(',') || NONE, c.storageClass ?? NONE, c.volume ?? NONE);
  return parts.filter((x) => x !== '').join(' ');
}

/** The default view's PVC cell: the claim names follow a pattern (in the header), so only status and size. */
function claimStateCell(claims: ClaimRow[], p: Palette): string {
  const one = (c: ClaimRow) => {
    if (c.exists === null) return '?';
    if (!c.exists) return p.bad('missing');
    const status = c.status === 'Bound' ? p.ok(c.status) : p.warn(c.status ?? '?');
    return c.capacity ? `${status} ${c.capacity}` : status;
  };
  if (claims.length === 1) return one(claims[0]!);
  return claims.map((c) => `${c.template} ${one(c)}`).join(', ') || NONE;
}

function probeLines(row: OrdinalRow, wide: boolean, p: Palette): string[] {
  // Name the container only when there is more than one to tell apart.
  const multi = row.containers.length > 1;
  const out: string[] = [];
  for (const c of row.containers) {
    for (const probe of c.probes) {
      const state = probe.healthy === false ? p.bad(probe.state) : probe.healthy ? p.ok(probe.state) : probe.state;
      out.push(`${multi ? `${c.name}/` : ''}${probe.kind} ${wide ? probe.detail : probe.phrase}: ${state}`);
      if (probe.lastFailure && (wide || probe.healthy === false)) {
        out.push(
          `  ${p.dim(`last failure${probe.lastFailure.count > 1 ? ` (x${probe.lastFailure.count})` : ''}: ${probe.lastFailure.message}`)}`,
        );
      }
    }
    if (c.lastTermination) {
      out.push(`${multi ? `${c.name}/` : ''}${p.warn(`last terminated: ${terminationText(c.lastTermination)}`)}`);
    }
  }
  return out.length ? out : [NONE];
}

/**
 * The default view's PROBES cell, one line: `ok` when every probe passes, else what fails (`readiness not
 * ready: <last failure>`), and the last termination. The phrases are the template's, in the header.
 */
function probeStateCell(row: OrdinalRow, p: Palette): string {
  const multi = row.containers.length > 1;
  const parts: string[] = [];
  let probes = 0;
  for (const c of row.containers) {
    const who = multi ? `${c.name}/` : '';
    for (const probe of c.probes) {
      probes++;
      if (probe.healthy === true) continue;
      const failure = probe.lastFailure ? `: ${probe.lastFailure.message}` : '';
      const text = `${who}${probe.kind} ${probe.state}${failure}`;
      parts.push(probe.healthy === false ? p.bad(text) : text);
    }
    if (c.lastTermination) parts.push(p.warn(`${who}last terminated ${terminationText(c.lastTermination)}`));
  }
  if (parts.length) return parts.join('; ');
  return probes > 0 ? p.ok('ok') : NONE;
}

/** How many characters of a file's first line a cell previews, before any cut to the terminal's width. */
export const FILE_PREVIEW_CHARS = { table: 40, wide: 120 } as const;

function fileCell(f: FileRead | null, maxBytes: number, wide: boolean, p: Palette): string {
  if (!f) return NONE;
  if (!f.ok) return p.bad(`<${visibleText(f.error ?? 'error')}>`);
  const content = { binary: f.binary, text: f.content ?? '', bytesRead: f.bytesRead, truncated: f.truncated };
  return contentPreview(content, maxBytes, wide ? FILE_PREVIEW_CHARS.wide : FILE_PREVIEW_CHARS.table);
}

/** USED (-o wide): `8KiB of 1GiB (1%)`, or why it is unknown. */
function usedCell(c: ClaimRow, wide: boolean, p: Palette): string {
  if (c.usage) return formatUsage(c.usage, wide);
  return c.usageError ? p.dim(`<${c.usageError}>`) : NONE;
}

/** RESOLVES (--resolve): `yes (from 3/3)` when every pod's resolver answered the pod's IP, else who did not. */
function resolvesCell(row: OrdinalRow, _peers: number, wide: boolean, p: Palette): string {
  const res = row.dns.resolution ?? [];
  if (res.length === 0) return NONE;
  const good = res.filter((x) => x.matchesPodIP === true);
  if (good.length === res.length) return p.ok(`yes (from ${good.length}/${res.length})`);
  const bad = res
    .filter((x) => x.matchesPodIP !== true)
    .map((x) => {
      const by = x.resolvedBy;
      if (x.error) return `${by}: ${x.error}`;
      if (x.matchesPodIP === false) return `${by}: ${x.addresses.join(',')} (not the pod's IP ${row.podIP ?? '?'})`;
      return `${by}: ${x.addresses.join(',')} (pod has no IP)`;
    });
  const text = `no (from ${good.length}/${res.length}): ${wide ? bad.join('; ') : bad[0]}${!wide && bad.length > 1 ? `; +${bad.length - 1}` : ''}`;
  return p.bad(text);
}

function dnsCell(row: OrdinalRow, wide: boolean, p: Palette): string {
  if (wide) return row.dns.resolvable ? row.dns.name : p.dim(`${row.dns.name} (${row.dns.caveat ?? 'unresolvable'})`);
  return row.dns.resolvable ? p.ok('yes') : p.warn('no');
}

function detailTable(r: InspectReport, wide: boolean, headers: boolean, p: Palette, width: number | undefined): string {
  const setName = r.statefulSet.name;
  const claims = r.statefulSet.volumeClaimTemplates.length > 0;
  const head = ['ORDINAL', 'POD', 'STATUS', 'READY', 'RESTARTS', 'AGE'];
  if (wide) head.push('NODE', 'IP');
  head.push('REVISION');
  if (claims) head.push(wide ? 'PVC (STATUS CAPACITY MODES CLASS VOLUME)' : 'PVC');
  const used = claims && r.ordinals.some((o) => o.claims.some((c) => c.usage || c.usageError));
  if (used) head.push('USED');
  const resolved = r.ordinals.some((o) => o.dns.resolution);
  head.push('DNS');
  if (resolved) head.push('RESOLVES');
  head.push('PROBES');
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
      const restartText = restartsCell(
        { restarts, ...(row.lastRestartAt ? { lastRestartAt: row.lastRestartAt } : {}) },
        Date.parse(r.generatedAt),
      );
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
    if (claims) cells.push(wide ? row.claims.map((c) => claimCell(c, wide, p)).join('\n') : claimStateCell(row.claims, p));
    if (used) cells.push(row.claims.map((c) => usedCell(c, wide, p)).join('\n'));
    cells.push(dnsCell(row, wide, p));
    if (resolved) cells.push(resolvesCell(row, r.ordinals.length, wide, p));
    cells.push(row.missing ? NONE : wide ? probeLines(row, wide, p).join('\n') : probeStateCell(row, p));
    if (r.file) cells.push(fileCell(row.file, r.file.maxBytes, wide, p));
    return cells;
  });
  return renderFittedTable(head, rows, {
    ...(width !== undefined ? { maxWidth: width } : {}),
    headers,
    rule: detailRule(
      !!r.file,
      resolved,
      r.ordinals.some((o) => o.revision && o.revision.mark !== 'update'),
    ),
    keepMarker: ['FILE'],
  });
}

/**
 * On a terminal: the identifiers and what was asked for stay; the rest gives way in this order. While some ordinal
 * is off the update revision (an OnDelete update or a partition pending), REVISION is what says which pods are
 * behind, so it gives way late, after the claims and the probes.
 */
export function detailRule(file: boolean, resolve: boolean, behind = false): FitRule {
  const order = behind
    ? ['AGE', 'DNS', 'USED', 'RESTARTS', 'PVC', 'PROBES', 'REVISION', 'READY', 'STATUS']
    : ['AGE', 'DNS', 'REVISION', 'USED', 'RESTARTS', 'PVC', 'PROBES', 'READY', 'STATUS'];
  return {
    identifiers: ['ORDINAL', 'POD'],
    requested: [...(file ? ['FILE'] : []), ...(resolve ? ['RESOLVES'] : [])],
    hideFirst: order,
  };
}

export const LIST_RULE: FitRule = { identifiers: ['NAMESPACE', 'NAME'], hideFirst: ['SERVICE', 'STRATEGY', 'POLICY', 'AGE', 'UPDATED'] };

function orphanBlock(r: InspectReport, headers: boolean, p: Palette, width: number | undefined): string {
  if (r.orphanedClaims.length === 0) return '';
  const reasons = [...new Set(r.orphanedClaims.map((o) => o.reason))];
  const title = `${p.warn(`Orphaned claims (${r.orphanedClaims.length})`)}: ${reasons.join('; ')}`;
  const rows = r.orphanedClaims.map((o) => [o.name, String(o.ordinal), o.status ?? NONE, o.capacity ?? NONE, o.volume ?? NONE]);
  const table = renderFittedTable(['CLAIM', 'ORDINAL', 'STATUS', 'CAPACITY', 'VOLUME'], rows, {
    ...(width === undefined ? {} : { maxWidth: width }),
    headers,
    rule: { identifiers: ['CLAIM', 'ORDINAL'], hideFirst: ['VOLUME', 'CAPACITY'] },
  });
  const hintText = `See them with their PVs, usage and reclaim policy: kubectl sts-inspect claims ${r.statefulSet.name} -n ${r.statefulSet.namespace}`;
  // Prose and a command to run: wrapped at spaces on a terminal, never cut (`kubectl sts-inspect claims w…`).
  const hint = `${wrapWords(hintText, width)}\n`;
  return `\n${headers ? `${wrapWords(title, width)}\n` : ''}${table}${headers ? hint : ''}`;
}

export function renderInspection(r: InspectReport, o: RenderOptions): string {
  if (o.format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  if (o.format === 'yaml') return toYaml(r);
  const p = palette(o.color);
  const wide = o.format === 'wide';
  // -o wide shows everything, as kubectl's does; only the default view is fitted to the terminal.
  const width = wide ? undefined : o.width;
  const table = detailTable(r, wide, o.headers, p, width);
  return `${o.headers ? `${headerBlock(r, p, width, wide)}\n` : ''}${table}${fileErrorsBlock(r, table, p, width)}${notReadyBlock(r, wide, p, width)}${dnsProblemLine(r, o.headers, p)}${orphanBlock(r, o.headers, p, width)}`;
}

/**
 * On a terminal, the failed reads whose FILE cell was cut to fit (`<file not found: tried ... (working di…`), in
 * full and wrapped at spaces, grouped by message: the paths tried are the answer, and the error points to FILE.
 */
function fileErrorsBlock(r: InspectReport, table: string, p: Palette, width: number | undefined): string {
  if (width === undefined || !r.file) return '';
  const shown = stripAnsi(table);
  const byMessage = new Map<string, string[]>();
  for (const o of r.ordinals) {
    if (!o.file || o.file.ok) continue;
    const text = `<${visibleText(o.file.error ?? 'error')}>`;
    if (shown.includes(text)) continue;
    byMessage.set(text, [...(byMessage.get(text) ?? []), o.pod]);
  }
  if (byMessage.size === 0) return '';
  const lines = [...byMessage].map(([text, pods]) =>
    wrapWords(`${pods.join(', ')}: ${text}`, Math.max(1, width - 4))
      .split('\n')
      .map((l, i) => `${i === 0 ? '  ' : '    '}${l}`)
      .map((l) => p.bad(truncateToWidth(l, width)))
      .join('\n'),
  );
  return `\nFILE in full (cut above to fit ${width} columns):\n${lines.join('\n')}\n`;
}

/** Why each ordinal is not Ready: one line each (wrapped on a terminal); -o wide adds the command to look further. */
function notReadyBlock(r: InspectReport, wide: boolean, p: Palette, width: number | undefined): string {
  const rows = r.ordinals.filter((o) => o.notReady);
  if (rows.length === 0) return '';
  // Wrapped at spaces under the reason on a terminal: a reason cut mid-sentence says less than none.
  const fit = (l: string) => (width === undefined ? l : fitHeaderLine(l, 4, width));
  const lines = rows.flatMap((o) => {
    const why = o.notReady!;
    const line = fit(`  ${o.pod}: ${p.warn(why.reason)}: ${visibleText(why.message)}`);
    return wide ? [line, `    look: ${why.hint}`] : [line];
  });
  return `\nNot Ready:\n${lines.join('\n')}\n`;
}

/** With --resolve, what keeps the names from resolving because of the service, and the fix. */
function dnsProblemLine(r: InspectReport, headers: boolean, p: Palette): string {
  if (!headers || !r.dnsProblem || !r.ordinals.some((o) => o.dns.resolution)) return '';
  return `\n${p.warn('DNS')}: ${r.dnsProblem}\n`;
}

export function renderList(r: StatefulSetListReport, o: RenderOptions & { allNamespaces: boolean }): string {
  if (o.format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  if (o.format === 'yaml') return toYaml(r);
  const p = palette(o.color);
  const wide = o.format === 'wide';
  // HELM only when some set is a Helm release, so the usual view stays as kubectl users know it.
  const helm = r.items.some((s) => s.helm !== null);
  const head = [...(o.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'READY', 'UPDATED', 'POLICY', 'STRATEGY', 'SERVICE'];
  head.push(...(helm ? ['HELM'] : []), 'AGE');
  if (wide) head.push('REVISION', 'CLAIM TEMPLATES');
  const rows = r.items.map((s) => {
    const ready = `${s.replicas.ready}/${s.replicas.desired}`;
    const svc = s.governingService;
    const svcText =
      svc.state === 'headless'
        ? `${svc.name} (headless)`
        : svc.state === 'unknown'
          ? `${svc.name ?? '<none>'} (?)`
          : p.warn(`${svc.name ?? '<none>'} (${svc.state})`);
    const cells = [
      ...(o.allNamespaces ? [s.namespace] : []),
      s.name,
      s.replicas.ready === s.replicas.desired ? ready : p.warn(ready),
      String(s.replicas.updated),
      s.podManagementPolicy,
      s.updateStrategy,
      svcText,
      ...(helm ? [s.helm ?? NONE] : []),
      s.age,
    ];
    if (wide) {
      const rev =
        s.revisions.current === s.revisions.update
          ? shortRevision(s.revisions.update, s.name)
          : `${shortRevision(s.revisions.current, s.name)} -> ${shortRevision(s.revisions.update, s.name)}`;
      cells.push(rev, s.volumeClaimTemplates.join(',') || NONE);
    }
    return cells;
  });
  // Fitted to the terminal like the detail view (only without -o wide, only on a terminal).
  return renderFittedTable(head, rows, {
    ...(!wide && o.width !== undefined ? { maxWidth: o.width } : {}),
    headers: o.headers,
    rule: LIST_RULE,
  });
}

/** What every view of inspect takes: the -o format and the flags that shape it. */
export interface ViewOptions {
  output: OutputSpec;
  headers: boolean;
  color: boolean;
  allowMissingKeys: boolean;
  width?: number;
}

const elementsOf = (doc: unknown, key: string): unknown[] => {
  const v = (doc as Record<string, unknown> | null)?.[key];
  return Array.isArray(v) ? v : [];
};

/** Reports as kubectl prints several objects: a `List` for -o json|yaml|jsonpath. */
export function inspectionList(reports: InspectReport[]): InspectReportList {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: reports };
}

/** Inspections in any -o format: one view per set (in the order given), or one document. */
export function printInspections(reports: InspectReport[], o: ViewOptions & { asList: boolean }): string {
  const document = o.asList ? inspectionList(reports) : reports[0];
  const printed = printDocument(
    o.output,
    {
      document,
      names: reports.map((r) => `statefulset.apps/${r.statefulSet.name}`),
      // One row per ordinal, as kubectl gives one row per object; paths are relative to an element of `ordinals`.
      rows: (doc) => (o.asList ? elementsOf(doc, 'items').flatMap((r) => elementsOf(r, 'ordinals')) : elementsOf(doc, 'ordinals')),
    },
    o,
  );
  if (printed !== undefined) return printed;
  if (o.output.kind === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  if (o.output.kind === 'yaml') return toYaml(document);
  const format = o.output.kind === 'wide' ? 'wide' : 'table';
  const base = { format, headers: o.headers, color: o.color, ...(o.width !== undefined ? { width: o.width } : {}) } as const;
  return reports.map((r) => renderInspection(r, base)).join('\n');
}

/** The list without NAME in any -o format; custom-columns rows are its items. */
export function printList(r: StatefulSetListReport, o: ViewOptions & { allNamespaces: boolean }): string {
  const printed = printDocument(
    o.output,
    { document: r, names: r.items.map((s) => `statefulset.apps/${s.name}`), rows: (doc) => elementsOf(doc, 'items') },
    o,
  );
  if (printed !== undefined) return printed;
  const format = o.output.kind === 'custom-columns' || o.output.kind === 'jsonpath' || o.output.kind === 'name' ? 'table' : o.output.kind;
  return renderList(r, {
    format,
    headers: o.headers,
    color: o.color,
    allNamespaces: o.allNamespaces,
    ...(o.width !== undefined ? { width: o.width } : {}),
  });
}
