export interface ScenarioFile {
  file: string;
  text: string;
}
export declare const BUNDLE: string;
export declare function readScenarios(dir?: string): Record<string, ScenarioFile[]>;
export declare function buildBundle(opts?: {
  minify?: boolean;
  sourcemap?: boolean;
  metafile?: boolean;
  outfile?: string;
  quiet?: boolean;
}): Promise<{ outfile: string; ms: number }>;
