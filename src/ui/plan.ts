// The plan of a mutating command as data, and its one human rendering: `--dry-run` prints it and stops;
// the same plan drives the prompts. JSON/YAML commands print their own document that embeds the steps.

export interface PlanStep {
  /** What happens: `patch`, `delete`, `wait`. */
  action: string;
  /** What it happens to: `statefulset demo/web`, `pod demo/web-2`. */
  target: string;
  /** Why or with what: `restartedAt=2026-11-27T00:00:00Z`, `revision web-6979694cc4 -> web-5679bdfbdd`. */
  detail?: string;
}

export interface MutationPlan {
  /** One line: `restart statefulset web in namespace demo (3 pods, highest ordinal first)`. */
  summary: string;
  steps: PlanStep[];
  /** What the plan leaves alone and why: `web-0, web-1 stay on web-6979694cc4 (below partition 2)`. */
  notes: string[];
}

export function renderPlan(plan: MutationPlan): string {
  const lines = [`Plan: ${plan.summary}`];
  plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.action} ${s.target}${s.detail ? `: ${s.detail}` : ''}`));
  if (plan.steps.length === 0) lines.push('  (nothing to do)');
  for (const n of plan.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}
