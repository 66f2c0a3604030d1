// Server-side printing: a list or object as a meta.k8s.io/v1 Table, with the columns and cell formatting of the
// real API server's printers (pkg/printers/internalversion). The server always prints the wide columns
// (priority 1); kubectl hides them unless `-o wide`.
import type { KObject } from '../store.ts';
import { humanDuration, restartsCell, summarizePod } from '@sts-inspect/k8s';
import type { Pod } from '@sts-inspect/k8s';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  conditions?: { type: string; status: string; reason: string; message: string }[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

const NAME_DESC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DESC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

function col(name: string, description: string, priority = 0, type = 'string', format = ''): ColumnDefinition {
  return { name, type, format, description, priority };
}
const nameCol = col('Name', NAME_DESC, 0, 'string', 'name');
const ageCol = col('Age', AGE_DESC);

// kubectl's duration and pod STATUS/READY/RESTARTS logic is the plugin's own (@sts-inspect/k8s, packages/k8s/src/podStatus.ts): one copy.
export { humanDuration };

export function since(ts: unknown, now: number): string {
  if (typeof ts !== 'string' || !ts) return '<unknown>';
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now - t);
}

/** labels.FormatLabels: sorted `k=v` joined by commas, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (!keys.length) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

const ACCESS_MODES: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];
export function accessModesString(modes: unknown): string {
  const m = Array.isArray(modes) ? (modes as string[]) : [];
  return ACCESS_MODES.filter(([full]) => m.includes(full))
    .map(([, short]) => short)
    .join(',');
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects of every kind, as the JSON they arrive as

interface Printer {
  columns: ColumnDefinition[];
  row(o: Any, now: number): { cells: unknown[]; conditions?: TableRow['conditions'] };
}

function containerCells(containers: Any[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}

export function podStatusReason(pod: Any, now: number): { ready: string; status: string; restarts: string } {
  const s = summarizePod(pod as Pod);
  return { ready: `${s.readyContainers}/${s.totalContainers}`, status: s.status, restarts: restartsCell(s, now) };
}

const podPrinter: Printer = {
  columns: [
    nameCol,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageCol,
    col('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    col(
      'Node',
      'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename',
      1,
    ),
    col(
      'Nominated Node',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
      1,
    ),
    col(
      'Readiness Gates',
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
      1,
    ),
  ],
  row(pod, now) {
    const s = podStatusReason(pod, now);
    const conds =
      pod.status?.phase === 'Succeeded'
        ? [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]
        : pod.status?.phase === 'Failed'
          ? [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]
          : undefined;
    const gates: Any[] = pod.spec?.readinessGates ?? [];
    let readinessGates = '<none>';
    if (gates.length) {
      const t = gates.filter((g) => (pod.status?.conditions ?? []).find((c: Any) => c.type === g.conditionType)?.status === 'True').length;
      readinessGates = `${t}/${gates.length}`;
    }
    const ip = pod.status?.podIPs?.[0]?.ip || '<none>';
    return {
      cells: [
        pod.metadata.name,
        s.ready,
        s.status,
        s.restarts,
        since(pod.metadata.creationTimestamp, now),
        ip,
        pod.spec?.nodeName || '<none>',
        pod.status?.nominatedNodeName || '<none>',
        readinessGates,
      ],
      ...(conds ? { conditions: conds } : {}),
    };
  },
};

const statefulSetPrinter: Printer = {
  columns: [
    nameCol,
    col('Ready', 'Number of the pod with ready state'),
    ageCol,
    col('Containers', 'Names of each container in the template.', 1),
    col('Images', 'Images referenced by each container in the template.', 1),
  ],
  row(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec?.containers);
    return {
      cells: [
        o.metadata.name,
        `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
        since(o.metadata.creationTimestamp, now),
        names,
        images,
      ],
    };
  },
};

function labelSelectorText(sel: Any): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of (sel?.matchExpressions ?? []) as Any[]) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In' || e.operator === 'NotIn') parts.push(`${e.key} ${e.operator.toLowerCase()} (${vals})`);
    else parts.push(e.operator === 'Exists' ? e.key : `!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

/** AGE and the pod template's wide columns, which kubectl prints alike for Deployments and ReplicaSets. */
const templateCols = [
  ageCol,
  col('Containers', 'Names of each container in the template.', 1),
  col('Images', 'Images referenced by each container in the template.', 1),
  col(
    'Selector',
    'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
    1,
  ),
];

function templateCells(o: Any, now: number): unknown[] {
  const [names, images] = containerCells(o.spec?.template?.spec?.containers);
  return [since(o.metadata.creationTimestamp, now), names, images, labelSelectorText(o.spec?.selector)];
}

const deploymentPrinter: Printer = {
  columns: [
    nameCol,
    col('Ready', 'Number of the pod with ready state'),
    col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', 0, 'integer'),
    col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', 0, 'integer'),
    ...templateCols,
  ],
  row(o, now) {
    const st = o.status ?? {};
    return {
      cells: [
        o.metadata.name,
        `${st.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
        st.updatedReplicas ?? 0,
        st.availableReplicas ?? 0,
        ...templateCells(o, now),
      ],
    };
  },
};

const replicaSetPrinter: Printer = {
  columns: [
    nameCol,
    col('Desired', 'Number of desired pods.', 0, 'integer'),
    col('Current', 'Number of actual replicas.', 0, 'integer'),
    col('Ready', 'Number of ready replicas.', 0, 'integer'),
    ...templateCols,
  ],
  row(o, now) {
    const st = o.status ?? {};
    return {
      cells: [o.metadata.name, o.spec?.replicas ?? 0, st.replicas ?? 0, st.readyReplicas ?? 0, ...templateCells(o, now)],
    };
  },
};

function serviceExternalIP(svc: Any): string {
  const spec = svc.spec ?? {};
  const ext: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const ing: Any[] = svc.status?.loadBalancer?.ingress ?? [];
      const lb = [...new Set(ing.map((i) => i.ip || i.hostname).filter(Boolean))].sort();
      if (ext.length) return [...lb, ...ext].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

const servicePrinter: Printer = {
  columns: [
    nameCol,
    col('Type', 'type determines how the Service is exposed. Defaults to ClusterIP.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    ageCol,
    col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  row(o, now) {
    const spec = o.spec ?? {};
    const ports = ((spec.ports ?? []) as Any[])
      .map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
      .join(',');
    return {
      cells: [
        o.metadata.name,
        spec.type ?? '',
        spec.clusterIPs?.[0] ?? '<none>',
        serviceExternalIP(o),
        ports || '<none>',
        since(o.metadata.creationTimestamp, now),
        formatLabels(spec.selector),
      ],
    };
  },
};

const pvcPrinter: Printer = {
  columns: [
    nameCol,
    col('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    col(
      'Access Modes',
      'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1',
    ),
    col('StorageClass', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    ageCol,
    col(
      'VolumeMode',
      'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.',
      1,
    ),
  ],
  row(o, now) {
    const spec = o.spec ?? {};
    const phase = o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '');
    const bound = !!spec.volumeName;
    const cls = o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? spec.storageClassName ?? '';
    return {
      cells: [
        o.metadata.name,
        phase,
        spec.volumeName ?? '',
        bound ? (o.status?.capacity?.storage ?? '0') : '',
        bound ? accessModesString(o.status?.accessModes) : '',
        cls,
        spec.volumeAttributesClassName ?? '<unset>',
        since(o.metadata.creationTimestamp, now),
        spec.volumeMode ?? '<unset>',
      ],
    };
  },
};

const pvPrinter: Printer = {
  columns: [
    nameCol,
    col(
      'Capacity',
      "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity",
    ),
    col(
      'Access Modes',
      'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes',
    ),
    col(
      'Reclaim Policy',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming',
    ),
    col(
      'Status',
      'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase',
    ),
    col(
      'Claim',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding',
    ),
    col('StorageClass', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    col(
      'Reason',
      'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
    ),
    ageCol,
    col(
      'VolumeMode',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.',
      1,
    ),
  ],
  row(o, now) {
    const spec = o.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    const phase = o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '');
    const cls = o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? spec.storageClassName ?? '';
    return {
      cells: [
        o.metadata.name,
        spec.capacity?.storage ?? '0',
        accessModesString(spec.accessModes),
        spec.persistentVolumeReclaimPolicy ?? '',
        phase,
        claim,
        cls,
        spec.volumeAttributesClassName ?? '<unset>',
        o.status?.reason ?? '',
        since(o.metadata.creationTimestamp, now),
        spec.volumeMode ?? '<unset>',
      ],
    };
  },
};

const nodePrinter: Printer = {
  columns: [
    nameCol,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    ageCol,
    col('Version', 'Kubelet Version reported by the node.'),
    col(
      'Internal-IP',
      "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
      1,
    ),
    col(
      'External-IP',
      "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
      1,
    ),
    col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  row(o, now) {
    const ready = ((o.status?.conditions ?? []) as Any[]).find((c) => c.type === 'Ready');
    const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (o.spec?.unschedulable) status.push('SchedulingDisabled');
    const roles = new Set<string>();
    for (const [k, v] of Object.entries((o.metadata.labels ?? {}) as Record<string, string>)) {
      if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length)
        roles.add(k.slice('node-role.kubernetes.io/'.length));
      else if (k === 'kubernetes.io/role' && v) roles.add(v);
    }
    const addr = (t: string) => ((o.status?.addresses ?? []) as Any[]).find((a) => a.type === t)?.address ?? '<none>';
    const info = o.status?.nodeInfo ?? {};
    return {
      cells: [
        o.metadata.name,
        status.join(','),
        [...roles].sort().join(',') || '<none>',
        since(o.metadata.creationTimestamp, now),
        info.kubeletVersion ?? '',
        addr('InternalIP'),
        addr('ExternalIP'),
        info.osImage || '<unknown>',
        info.kernelVersion || '<unknown>',
        info.containerRuntimeVersion || '<unknown>',
      ],
    };
  },
};

const namespacePrinter: Printer = {
  columns: [nameCol, col('Status', 'The status of the namespace'), ageCol],
  row: (o, now) => ({ cells: [o.metadata.name, o.status?.phase ?? '', since(o.metadata.creationTimestamp, now)] }),
};

const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col('Object', 'The object that this event is about.'),
    col(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
      1,
    ),
    col('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    col('Count', 'The number of times this event has occurred.', 1),
    { ...nameCol, priority: 1 },
  ],
  row(o, now) {
    const first = o.firstTimestamp ? since(o.firstTimestamp, now) : since(o.eventTime, now);
    let last = o.lastTimestamp ? since(o.lastTimestamp, now) : first;
    let count = o.count ?? 0;
    if (o.series) {
      last = since(o.series.lastObservedTime, now);
      count = o.series.count ?? 0;
    } else if (count === 0) count = 1;
    const inv = o.involvedObject ?? {};
    const target = inv.name ? `${String(inv.kind ?? '').toLowerCase()}/${inv.name}` : String(inv.kind ?? '').toLowerCase();
    const component = o.source?.component || o.reportingComponent || '';
    const instance = o.source?.host || o.reportingInstance || '';
    const source = instance ? `${component}, ${instance}` : component;
    return {
      cells: [
        last,
        o.type ?? '',
        o.reason ?? '',
        target,
        inv.fieldPath ?? '',
        source,
        String(o.message ?? '').trim(),
        first,
        count,
        o.metadata.name,
      ],
    };
  },
};

export function formatEndpoints(o: Any): string {
  const subsets: Any[] = o.subsets ?? [];
  if (!subsets.length) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs: Any[] = ss.addresses ?? [];
    const ports: Any[] = ss.ports ?? [];
    if (!ports.length) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(String(a.ip).includes(':') ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

const endpointsPrinter: Printer = {
  columns: [
    nameCol,
    col(
      'Endpoints',
      'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.',
    ),
    ageCol,
  ],
  row: (o, now) => ({ cells: [o.metadata.name, formatEndpoints(o), since(o.metadata.creationTimestamp, now)] }),
};

function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret || '<unset>';
}

const endpointSlicePrinter: Printer = {
  columns: [
    nameCol,
    col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    ageCol,
  ],
  row(o, now) {
    const ports: Any[] = o.ports ?? [];
    const pl = ports.slice(0, 3).map((p) => (p.port != null ? String(p.port) : (p.name ?? '*')));
    const addrs = ((o.endpoints ?? []) as Any[]).flatMap((e) => (e.addresses ?? []) as string[]);
    return {
      cells: [
        o.metadata.name,
        o.addressType ?? '',
        listWithMore(pl, ports.length > 3, ports.length, 3),
        listWithMore(addrs.slice(0, 3), addrs.length > 3, addrs.length, 3),
        since(o.metadata.creationTimestamp, now),
      ],
    };
  },
};

const controllerRevisionPrinter: Printer = {
  columns: [
    nameCol,
    col('Controller', 'Controller of the object'),
    col('Revision', 'Revision indicates the revision of the state represented by Data.'),
    ageCol,
  ],
  row(o, now) {
    const ref = ((o.metadata.ownerReferences ?? []) as Any[]).find((r) => r.controller);
    let controller = '<none>';
    if (ref) {
      const group = String(ref.apiVersion ?? '').includes('/') ? String(ref.apiVersion).split('/')[0] : '';
      controller = `${String(ref.kind).toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
    }
    return { cells: [o.metadata.name, controller, o.revision ?? 0, since(o.metadata.creationTimestamp, now)] };
  },
};

const storageClassPrinter: Printer = {
  columns: [
    nameCol,
    col('Provisioner', 'provisioner indicates the type of the provisioner.'),
    col(
      'ReclaimPolicy',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.',
    ),
    col(
      'VolumeBindingMode',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.',
    ),
    col('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageCol,
  ],
  row(o, now) {
    const ann = o.metadata.annotations ?? {};
    const isDefault =
      ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    return {
      cells: [
        isDefault ? `${o.metadata.name} (default)` : o.metadata.name,
        o.provisioner ?? '',
        o.reclaimPolicy ?? 'Delete',
        o.volumeBindingMode ?? 'Immediate',
        o.allowVolumeExpansion ?? false,
        since(o.metadata.creationTimestamp, now),
      ],
    };
  },
};

const configMapPrinter: Printer = {
  columns: [
    nameCol,
    col(
      'Data',
      "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
    ),
    ageCol,
  ],
  row: (o, now) => ({
    cells: [
      o.metadata.name,
      Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
      since(o.metadata.creationTimestamp, now),
    ],
  }),
};

const secretPrinter: Printer = {
  columns: [
    nameCol,
    col(
      'Type',
      'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types',
    ),
    col(
      'Data',
      "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
    ),
    ageCol,
  ],
  row: (o, now) => ({ cells: [o.metadata.name, o.type ?? '', Object.keys(o.data ?? {}).length, since(o.metadata.creationTimestamp, now)] }),
};

const serviceAccountPrinter: Printer = {
  columns: [
    nameCol,
    col(
      'Secrets',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
    ),
    ageCol,
  ],
  row: (o, now) => ({ cells: [o.metadata.name, (o.secrets ?? []).length, since(o.metadata.creationTimestamp, now)] }),
};

/** printPodDisruptionBudget: an int-or-string bound as it is written, `N/A` when the spec leaves it out. */
const pdbPrinter: Printer = {
  columns: [
    nameCol,
    col('Min Available', 'The minimum number of pods that must be available'),
    col('Max Unavailable', 'The maximum number of pods that may be unavailable'),
    col('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time', 0, 'integer'),
    ageCol,
  ],
  row: (o, now) => ({
    cells: [
      o.metadata.name,
      o.spec?.minAvailable === undefined ? 'N/A' : String(o.spec.minAvailable),
      o.spec?.maxUnavailable === undefined ? 'N/A' : String(o.spec.maxUnavailable),
      o.status?.disruptionsAllowed ?? 0,
      since(o.metadata.creationTimestamp, now),
    ],
  }),
};

const fallbackPrinter: Printer = {
  columns: [nameCol, ageCol],
  row: (o, now) => ({ cells: [o.metadata.name, since(o.metadata.creationTimestamp, now)] }),
};

const PRINTERS: Record<string, Printer> = {
  pods: podPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  services: servicePrinter,
  persistentvolumeclaims: pvcPrinter,
  persistentvolumes: pvPrinter,
  nodes: nodePrinter,
  namespaces: namespacePrinter,
  events: eventPrinter,
  endpoints: endpointsPrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  'apps/controllerrevisions': controllerRevisionPrinter,
  'storage.k8s.io/storageclasses': storageClassPrinter,
  configmaps: configMapPrinter,
  secrets: secretPrinter,
  serviceaccounts: serviceAccountPrinter,
  'policy/poddisruptionbudgets': pdbPrinter,
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject?: IncludeObject;
  noHeaders?: boolean;
  now?: number;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

function rowObject(o: KObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** The Table for objects of one resource type (store key). */
export function toTable(key: string, items: KObject[], opts: TableOptions = {}): Table {
  const printer = PRINTERS[key] ?? fallbackPrinter;
  const now = opts.now ?? Date.now();
  const include = opts.includeObject ?? 'Metadata';
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders ? [] : printer.columns,
    rows: items.map((o) => {
      const r = printer.row(o, now);
      const row: TableRow = { cells: r.cells };
      if (r.conditions) row.conditions = r.conditions;
      const obj = rowObject(o, include);
      if (obj !== undefined) row.object = obj;
      return row;
    }),
  };
}
