import type { Linter } from 'eslint';

/** The layering rules of STYLE.md, as ESLint flat-config objects (eslint.layers.mjs). */
export declare const layers: Linter.Config[];
