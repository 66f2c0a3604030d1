// API errors as a real kube-apiserver writes them: a `kind: Status` body with reason and code
// (shapes checked against test/fixtures/real-k8s-1.20/errors/).

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    if (details) this.details = details;
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    } as StatusBody;
    // Field order as apimachinery's Status serializes: details before code.
    if (this.details) body.details = this.details;
    body.code = this.code;
    return body;
  }
}

/** `statefulsets.apps`, `pods`: how the API server names a resource in messages. */
export function qualifiedResource(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

function details(group: string, plural: string, name: string): StatusDetails {
  return group ? { name, group, kind: plural } : { name, kind: plural };
}

/** utilerrors.NewAggregate(...).Error(): duplicates dropped; several messages in brackets. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

export const errors = {
  notFound: (group: string, plural: string, name: string) =>
    new ApiError(404, 'NotFound', `${qualifiedResource(group, plural)} "${name}" not found`, details(group, plural, name)),
  alreadyExists: (group: string, plural: string, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualifiedResource(group, plural)} "${name}" already exists`, details(group, plural, name)),
  conflict: (group: string, plural: string, name: string) =>
    new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(group, plural)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      details(group, plural, name),
    ),
  /** 422: `StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: ...` */
  invalid: (group: string, kind: string, name: string, causes: StatusCause[]) =>
    new ApiError(
      422,
      'Invalid',
      `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${aggregate(causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)))}`,
      { name, ...(group ? { group } : {}), kind, causes },
    ),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (group: string, plural: string, name: string, message: string) =>
    new ApiError(403, 'Forbidden', message, details(group, plural, name)),
  gone: (message: string) => new ApiError(410, 'Expired', message),
  methodNotAllowed: (message: string) => new ApiError(405, 'MethodNotAllowed', message),
  tooManyRequests: (message = 'Too many requests, please try again later.') =>
    new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds: 1 }),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`),
  timeout: (message: string) => new ApiError(504, 'Timeout', message),
};

/** The 400 a server answers for a body whose apiVersion its scheme does not register for that kind. */
export function unregisteredVersion(kind: string, apiVersion: string): ApiError {
  const version = apiVersion.includes('/') ? apiVersion.split('/')[1]! : apiVersion;
  return errors.badRequest(
    `${kind} in version "${version}" cannot be handled as a ${kind}: no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`,
  );
}
