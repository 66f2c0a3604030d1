// kubectl's connection flags, declared once with kubectl's names, shorthands and help text (`kubectl options`).
// Every command that talks to a cluster accepts them (its registry entry says `kubeFlags: true`).
// The declaration is plain data in the shape of src/cli/flags.ts's FlagSet, and KubeFlags is written out, so
// kube/ does not import the CLI layer; test/unit/kube/flags.test.ts proves the declaration is a FlagSet and
// that KubeFlags is exactly what the parser derives from it (ArgsOf).

import { labelSelectorProblem, namespaceProblem } from './validation.ts';

export const kubeFlags = {
  kubeconfig: { type: 'string', placeholder: 'PATH', description: 'Path to the kubeconfig file to use for CLI requests.' },
  context: { type: 'string', placeholder: 'NAME', description: 'The name of the kubeconfig context to use' },
  cluster: { type: 'string', placeholder: 'NAME', description: 'The name of the kubeconfig cluster to use' },
  user: { type: 'string', placeholder: 'NAME', description: 'The name of the kubeconfig user to use' },
  namespace: {
    type: 'string',
    short: 'n',
    placeholder: 'NAMESPACE',
    validate: namespaceProblem,
    description: 'If present, the namespace scope for this CLI request',
  },
  'all-namespaces': {
    type: 'boolean',
    short: 'A',
    default: false,
    description:
      'If present, list the StatefulSets across all namespaces. Namespace in current context is ignored even if specified with --namespace.',
  },
  selector: {
    type: 'string',
    short: 'l',
    placeholder: 'SELECTOR',
    validate: labelSelectorProblem,
    description:
      "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.",
  },
  /** kubectl's --request-timeout: "0" (none), a bare number of seconds, or a duration like 5s, 1m, 500ms. */
  'request-timeout': {
    type: 'string',
    default: '0',
    placeholder: 'DURATION',
    description:
      "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.",
  },
  server: { type: 'string', short: 's', placeholder: 'URL', description: 'The address and port of the Kubernetes API server' },
  token: { type: 'string', placeholder: 'TOKEN', description: 'Bearer token for authentication to the API server' },
  as: {
    type: 'string',
    placeholder: 'USER',
    description: 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace.',
  },
  'as-group': {
    type: 'array',
    placeholder: 'GROUP',
    description: 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups.',
  },
  'as-uid': { type: 'string', placeholder: 'UID', description: 'UID to impersonate for the operation.' },
  'certificate-authority': { type: 'string', placeholder: 'PATH', description: 'Path to a cert file for the certificate authority' },
  'client-certificate': { type: 'string', placeholder: 'PATH', description: 'Path to a client certificate file for TLS' },
  'client-key': { type: 'string', placeholder: 'PATH', description: 'Path to a client key file for TLS' },
  'tls-server-name': {
    type: 'string',
    placeholder: 'NAME',
    description:
      'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used',
  },
  /** Accepted and honoured trivially: the client never asks for compressed answers (no Accept-Encoding). */
  'disable-compression': {
    type: 'boolean',
    default: false,
    description: 'If true, opt-out of response compression for all requests to the server',
  },
  username: { type: 'string', placeholder: 'USER', description: 'Username for basic authentication to the API server' },
  password: { type: 'string', placeholder: 'PASSWORD', description: 'Password for basic authentication to the API server' },
  'insecure-skip-tls-verify': {
    type: 'boolean',
    default: false,
    description: "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure",
  },
  /** kubectl's -v / --v: 6 and up log each request to stderr (verbose.ts). */
  v: { type: 'number', short: 'v', integer: true, default: 0, placeholder: 'Level', description: 'number for the log level verbosity' },
} as const;

/** The parsed connection flags (camelCase), as every command that talks to a cluster receives them. */
export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  requestTimeout?: string;
  server?: string;
  token?: string;
  as?: string;
  asGroup?: string[];
  asUid?: string;
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  tlsServerName?: string;
  disableCompression?: boolean;
  username?: string;
  password?: string;
  insecureSkipTlsVerify?: boolean;
  v?: number;
}
