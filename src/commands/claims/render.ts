// `claims`: data -> strings. The table (kubectl's style), -o wide, -o name, the JSON/YAML document.

import { ageOf } from '@sts-inspect/k8s';
import { stringify as toYaml } from 'yaml';
import type { ClaimsView } from '../../core/claims.ts';
import { formatUsage } from '../../core/usageText.ts';
import { renderTable } from '../../ui/table.ts';
import { CLAIM_LIST_KIND, CLAIMS_API_VERSION, type ClaimListDocument } from './schema.ts';

export type ClaimsFormat = 'table' | 'wide' | 'name' | 'json' | 'yaml';

const NONE = '-';

export function claimListDocument(view: ClaimsView, warnings: string[]): ClaimListDocument {
  return {
    kind: CLAIM_LIST_KIND,
    apiVersion: CLAIMS_API_VERSION,
    statefulSet: {
      namespace: view.namespace,
      name: view.name,
      exists: view.setExists,
      replicas: view.replicas,
      volumeClaimTemplates: view.templates,
      templatesFrom: view.templateSource,
    },
    claims: view.rows,
    warnings,
  };
}

const SOURCE: Record<ClaimsView['templateSource'], string> = {
  statefulset: 'the statefulset',
  controllerrevision: 'its last ControllerRevision',
  'claim-labels': "the claims' names and labels",
  'claim-names': "the claims' names",
};

/** The lines under the table: the set gone, what the states mean for a prune. */
function footer(view: ClaimsView): string[] {
  const out: string[] = [];
  if (!view.setExists)
    out.push(
      `statefulset ${view.namespace}/${view.name} does not exist; volumeClaimTemplates (${view.templates.join(', ') || 'none'}) from ${SOURCE[view.templateSource]}`,
    );
  const loose = view.rows.filter((r) => (r.state === 'kept' || r.state === 'orphaned') && r.mountedBy.length === 0);
  if (loose.length)
    out.push(
      `${loose.length} claim${loose.length === 1 ? '' : 's'} no pod mounts; to delete: kubectl sts-inspect claims ${view.name} -n ${view.namespace} --prune --dry-run`,
    );
  return out;
}

export function renderClaims(view: ClaimsView, warnings: string[], format: ClaimsFormat, headers: boolean, now: number): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(claimListDocument(view, warnings), null, 2)}\n`;
    case 'yaml':
      return toYaml(claimListDocument(view, warnings));
    case 'name':
      return view.rows.map((r) => `persistentvolumeclaim/${r.claim}\n`).join('');
    case 'table':
    case 'wide':
      break;
  }
  if (view.rows.length === 0)
    return `No claims of statefulset ${view.namespace}/${view.name} (volumeClaimTemplates: ${view.templates.join(', ') || 'none'}).\n`;
  const wide = format === 'wide';
  const head = ['ORDINAL', 'CLAIM', 'STATE', 'VOLUME', 'CAPACITY', 'USED', 'AGE', 'RECLAIM', 'STORAGECLASS'];
  if (wide) head.push('MOUNTED-BY', 'PV-STATUS', 'WHY');
  const rows = view.rows.map((r) => {
    const cells = [
      String(r.ordinal),
      r.claim,
      r.state,
      r.volume ?? NONE,
      r.capacity ?? NONE,
      r.usage ? formatUsage(r.usage) : NONE,
      r.createdAt ? ageOf(r.createdAt, now) : NONE,
      r.reclaimPolicy ?? '?',
      r.storageClass ?? NONE,
    ];
    if (wide) cells.push(r.mountedBy.join(',') || NONE, r.volumePhase ?? '?', r.why);
    return cells;
  });
  const table = renderTable(headers ? head : null, rows);
  const foot = footer(view);
  return `${table}${foot.length ? `${foot.join('\n')}\n` : ''}`;
}
