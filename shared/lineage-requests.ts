import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import {
  LineageNotifications,
  LineageRequests,
  type ExplainHop,
  type ExplainSource,
  type LineageGraphInfo,
  type LineageNodeInfo,
  type NodeAtParams,
  type NodeParams,
  type PathParams,
  type ScopeParams,
  type WalkParams,
} from './lineage-protocol';

/**
 * The lineage requests as typed JSON-RPC request types: each method with its parameters and
 * result, declared once. The client sends them; the server implements `LineageHandlers`, which
 * is derived from them. The server imports this file for its types only (`import type`), so its
 * bundle does not carry a second copy of the protocol library.
 */
export const LineageRequestTypes = {
  nodes: new RequestType<ScopeParams, { nodes: LineageNodeInfo[] }, void>(LineageRequests.nodes),
  upstream: new RequestType<WalkParams, LineageGraphInfo, void>(LineageRequests.upstream),
  downstream: new RequestType<WalkParams, LineageGraphInfo, void>(LineageRequests.downstream),
  path: new RequestType<PathParams, LineageGraphInfo | null, void>(LineageRequests.path),
  explain: new RequestType<NodeParams, { hops: ExplainHop[]; sources: ExplainSource[] }, void>(LineageRequests.explain),
  modelsCarrying: new RequestType<NodeParams, { nodes: LineageNodeInfo[] }, void>(LineageRequests.modelsCarrying),
  nodeAt: new RequestType<NodeAtParams, { id: string } | null, void>(LineageRequests.nodeAt),
  graph: new RequestType<ScopeParams, LineageGraphInfo, void>(LineageRequests.graph),
} as const;

/**
 * server -> client: the graph may have changed; views refresh. It carries nothing, but the
 * server's `sendNotification(method)` sends an empty parameter, which a parameterless type
 * refuses: so it is typed with one that is never read.
 */
export const LineageDidChange = new NotificationType<null | undefined>(LineageNotifications.didChange);

export type LineageRequestName = keyof typeof LineageRequestTypes;
export type LineageParams<K extends LineageRequestName> =
  (typeof LineageRequestTypes)[K] extends RequestType<infer P, unknown, unknown> ? P : never;
export type LineageResult<K extends LineageRequestName> =
  (typeof LineageRequestTypes)[K] extends RequestType<unknown, infer R, unknown> ? R : never;

/** What the server implements: one handler per lineage request, keyed as `LineageRequests` is. */
export type LineageHandlers = {
  readonly [K in LineageRequestName]: (params: LineageParams<K>) => Promise<LineageResult<K>>;
};
