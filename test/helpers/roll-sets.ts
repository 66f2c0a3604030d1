// StatefulSets for the roll tests: namespace, headless Service and set `web` (a `data` claim per pod, a
// readiness probe), in the shapes the sandbox and a real cluster both accept.

export interface SetOptions {
  replicas?: number;
  image?: string;
  policy?: 'OrderedReady' | 'Parallel';
  strategy?: 'RollingUpdate' | 'OnDelete';
  partition?: number;
  maxUnavailable?: number;
  /** readinessProbe.initialDelaySeconds (simulated seconds; the sandbox runs 10x faster) */
  initialDelay?: number;
}

export function setYaml(ns: string, o: SetOptions = {}): string {
  const rolling =
    o.strategy === 'OnDelete'
      ? ''
      : `\n    rollingUpdate:\n      partition: ${o.partition ?? 0}${o.maxUnavailable ? `\n      maxUnavailable: ${o.maxUnavailable}` : ''}`;
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  clusterIP: None
  selector:
    app: web
  ports:
    - name: http
      port: 5000
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: ${ns}
spec:
  serviceName: web
  replicas: ${o.replicas ?? 3}
  podManagementPolicy: ${o.policy ?? 'OrderedReady'}
  updateStrategy:
    type: ${o.strategy ?? 'RollingUpdate'}${rolling}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ${o.image ?? 'sim/visits:1'}
          ports:
            - name: http
              containerPort: 5000
          volumeMounts:
            - name: data
              mountPath: /data
          readinessProbe:
            httpGet:
              path: /health
              port: http
            initialDelaySeconds: ${o.initialDelay ?? 1}
            periodSeconds: 5
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 1Gi
`;
}
