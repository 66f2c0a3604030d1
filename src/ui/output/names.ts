// The -o formats by name, for flag declarations and help (imports nothing: --help reads it).

/** The formats the help and completion list. */
export const OUTPUT_FORMATS = ['json', 'yaml', 'wide', 'name', 'jsonpath=', 'jsonpath-file=', 'custom-columns=', 'custom-columns-file='];

export const OUTPUT_HELP =
  'Output format. One of: (json, yaml, wide, name, jsonpath=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC, custom-columns-file=FILE).';
