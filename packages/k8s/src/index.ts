// What the plugin and the sandbox both need, in one place: the Kubernetes object types they read and write,
// kubectl's pod STATUS / READY / RESTARTS / AGE logic, label selectors, and the StatefulSet's pod predicates.

export * from './types.ts';
export * from './podStatus.ts';
export * from './selector.ts';
export * from './quantity.ts';
export * from './statefulset.ts';
