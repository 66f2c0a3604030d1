// The parsed form of a kubectl JSONPath template (client-go's node.go), shared by the parser and the evaluator.

export class JsonPathError extends Error {}

export type Node =
  | { type: 'list'; nodes: Node[] }
  | { type: 'text'; text: string }
  | { type: 'field'; value: string }
  | { type: 'array'; params: Param[] }
  | { type: 'filter'; left: ListNode; right: ListNode; op: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'union'; nodes: ListNode[] }
  | { type: 'identifier'; name: string };
export type ListNode = { type: 'list'; nodes: Node[] };
export interface Param {
  known: boolean;
  value: number;
  derived: boolean;
}

/** A parsed template: the root list of `{...}` actions and text. */
export interface JsonPathTemplate {
  readonly root: ListNode;
}
