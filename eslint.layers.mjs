// The layering of docs/STYLE.md as lint rules: commands -> workload / kube / core / ui; core is pure; no command
// imports another; only the commands that run a cluster reach the sandbox, and only lazily; the sandbox and
// the shared @sts-inspect/k8s package never import the plugin; kube/ never imports the CLI layer, ui/ never imports
// kube/, and time/ (timers and durations both use) imports neither. test/unit/lint/layers.test.ts proves each rule bites.

const message = (why) => `layering (docs/STYLE.md): ${why}`;

const plugin = (from) => [
  { regex: '(^|/)src/(commands|core|kube|ui|workload)/', message: message(`${from} never imports the plugin`) },
  { regex: '^(\\.\\./){3,}src/', message: message(`${from} never imports the plugin`) },
];

const sandboxStatic = {
  name: '@sts-inspect/sandbox',
  allowTypeImports: true,
  message: message('the sandbox is loaded lazily (await import) by the commands that run a cluster, never at start-up'),
};

const noSandboxAtAll = {
  selector: 'ImportExpression[source.value=/^@sts-inspect\\u002Fsandbox/]',
  message: message('only the sandbox and demo commands reach the sandbox'),
};

const heavy = ['@kubernetes/client-node', '@kubernetes/client-node/*', 'ora', 'cli-table3', 'ws', 'yaml', 'node:*', '@sts-inspect/sandbox'];

export const layers = [
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [sandboxStatic] }],
      'no-restricted-syntax': ['error', noSandboxAtAll],
    },
  },
  {
    files: ['src/commands/sandbox/**/*.ts', 'src/commands/demo/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src/commands/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [sandboxStatic],
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\.)[^/]+/',
              message: message('a command folder never imports another command; shared code goes to workload/, core/ or ui/'),
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            sandboxStatic,
            ...heavy.filter((h) => !h.includes('*')).map((name) => ({ name, message: message('core is pure: no I/O, no clients, no UI') })),
          ],
          patterns: [
            // node:crypto's hashes are pure computations (compare's sha256 of a file's bytes); every other built-in is I/O.
            {
              group: [...heavy.filter((h) => h.includes('*')), '!node:crypto'],
              message: message('core is pure: no I/O, no clients, no UI'),
            },
            { regex: '^\\.\\./(commands|kube|ui|workload)/', message: message('core imports only core and @sts-inspect/k8s') },
          ],
        },
      ],
    },
  },
  {
    files: ['src/kube/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [sandboxStatic],
          patterns: [
            { regex: '^\\.\\./(commands|workload)/', message: message('kube/ and ui/ sit below the commands and the shared reads') },
            {
              regex: '^\\.\\./cli(/|\\.ts$)',
              message: message('kube/ never imports the CLI layer: its flags are plain data that the CLI reads'),
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [sandboxStatic],
          patterns: [
            { regex: '^\\.\\./(commands|workload)/', message: message('kube/ and ui/ sit below the commands and the shared reads') },
            { regex: '^\\.\\./kube/', message: message('ui/ never imports kube/: timers both use live in time/') },
          ],
        },
      ],
    },
  },
  {
    files: ['src/time/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [sandboxStatic],
          // The typed errors (src/errors.ts) are every layer's; a bad duration is a usage error.
          patterns: [
            {
              regex: '^\\.\\./(?!errors\\.ts$)',
              message: message('time/ is a leaf that kube/ and ui/ both use: it imports no other layer'),
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/workload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [sandboxStatic],
          patterns: [{ regex: '^\\.\\./(commands|ui)/', message: message('the shared reads return data: no command, no UI') }],
        },
      ],
    },
  },
  {
    files: ['packages/sandbox/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: plugin('the sandbox') }] },
  },
  {
    files: ['packages/k8s/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@sts-inspect/sandbox', message: message('@sts-inspect/k8s depends on nothing') }],
          patterns: plugin('@sts-inspect/k8s'),
        },
      ],
    },
  },
];
