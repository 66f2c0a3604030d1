// kubectl's connection flags, declared once with kubectl's names and meanings (`kubectl options`).

import type { Argv } from 'yargs';

export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  /** kubectl's --request-timeout: "0" (none), a bare number of seconds, or a duration like 5s, 1m, 500ms. */
  requestTimeout?: string;
  server?: string;
  token?: string;
  as?: string;
  asGroup?: string[];
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
}

export function withKubeFlags<T>(y: Argv<T>): Argv<T & KubeFlags> {
  return y
    .option('kubeconfig', { type: 'string', describe: 'Path to the kubeconfig file to use for CLI requests.' })
    .option('context', { type: 'string', describe: 'The name of the kubeconfig context to use' })
    .option('cluster', { type: 'string', describe: 'The name of the kubeconfig cluster to use' })
    .option('user', { type: 'string', describe: 'The name of the kubeconfig user to use' })
    .option('namespace', { alias: 'n', type: 'string', describe: 'If present, the namespace scope for this CLI request' })
    .option('all-namespaces', { alias: 'A', type: 'boolean', describe: 'If present, list across all namespaces' })
    .option('selector', { alias: 'l', type: 'string', describe: 'Selector (label query) to filter on' })
    .option('request-timeout', {
      type: 'string',
      describe: 'The length of time to wait before giving up on a single server request (e.g. 1s, 2m). 0 means no timeout.',
    })
    .option('server', { alias: 's', type: 'string', describe: 'The address and port of the Kubernetes API server' })
    .option('token', { type: 'string', describe: 'Bearer token for authentication to the API server' })
    .option('as', { type: 'string', describe: 'Username to impersonate for the operation' })
    .option('as-group', { type: 'string', array: true, describe: 'Group to impersonate for the operation; repeat for several' })
    .option('certificate-authority', { type: 'string', describe: 'Path to a cert file for the certificate authority' })
    .option('insecure-skip-tls-verify', {
      type: 'boolean',
      describe: "If true, the server's certificate will not be checked for validity (insecure)",
    })
    .group(
      [
        'kubeconfig',
        'context',
        'cluster',
        'user',
        'namespace',
        'all-namespaces',
        'selector',
        'request-timeout',
        'server',
        'token',
        'as',
        'as-group',
        'certificate-authority',
        'insecure-skip-tls-verify',
      ],
      'Kubernetes flags (as in kubectl):',
    );
}
