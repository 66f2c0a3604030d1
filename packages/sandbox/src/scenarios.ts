// The built-in scenarios: folders of plain manifests under packages/sandbox/scenarios/<name>/, applied in file-name
// order. The bundle and the single binary carry them as a build-time constant; from source they are read
// from disk.

import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface ScenarioFile {
  file: string;
  text: string;
}

declare const __STS_SCENARIOS__: Record<string, ScenarioFile[]> | undefined;

function embedded(): Record<string, ScenarioFile[]> | undefined {
  return typeof __STS_SCENARIOS__ === 'undefined' ? undefined : __STS_SCENARIOS__;
}

function scenariosDir(): string {
  return fileURLToPath(new URL('../scenarios/', import.meta.url));
}

export async function listScenarios(): Promise<string[]> {
  const e = embedded();
  if (e) return Object.keys(e).sort();
  const entries = await readdir(scenariosDir(), { withFileTypes: true });
  return entries
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** The scenario's manifests in the order they are applied, or undefined for an unknown name. */
export async function scenarioFiles(name: string): Promise<ScenarioFile[] | undefined> {
  const e = embedded();
  if (e) return e[name];
  if (!(await listScenarios()).includes(name)) return undefined;
  const dir = new URL(`../scenarios/${name}/`, import.meta.url);
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(new URL(file, dir), 'utf8') })));
}

/** First comment block of a scenario's first file: its one-line description for --list-scenarios. */
export function describeScenario(files: ScenarioFile[]): string {
  const first = files[0]?.text ?? '';
  const line = first.split('\n').find((l) => l.startsWith('#') && l.replace(/^#\s*/, '').trim());
  return line ? line.replace(/^#\s*/, '').trim() : '';
}
