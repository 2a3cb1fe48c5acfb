// The neutral graph model that every diagram is built on: nodes, edges and clusters, with no layout.

/** What a node stands for; the DOT writer styles each kind differently. */
export type GraphNodeKind =
  | "input" // a leaf tensor or a function argument
  | "op" // one primitive application
  | "output" // a result the user asked about
  | "constant" // a leaf that does not require grad (a literal, a detached tensor)
  | "sum" // backward pass: cotangents from several paths are added here
  | "cotangent" // backward pass: the seed entering an output (e.g. ones)
  | "vjp" // backward pass: an op's vector-Jacobian product
  | "grad" // backward pass: the gradient accumulated into an input
  | "note"; // a free-text remark (node limit, teaching notes)

/** How a highlight pass marks an element: on the highlighted path, or greyed out. */
export type Emphasis = "strong" | "dim";

/** One node of a computational graph. */
export interface GraphNode {
  /** Unique within its model; also the DOT node name. */
  id: string;
  /** What the node stands for (input, op, output, a backward-pass role...). */
  kind: GraphNodeKind;
  /** Main text: the op name, the input's name, "+"... */
  label: string;
  /** The shape of the value this node produces, when it produces one. */
  shape?: readonly number[];
  /** A user-facing name (an argument name, "y[0]"). */
  name?: string;
  /** Extra lines under the label (params, notes). */
  detail?: string;
  /** How many identical repeated chains this node stands for (collapsed subgraphs). */
  repeat?: number;
  /** Set by highlight: on the highlighted path (strong) or greyed out (dim). */
  emphasis?: Emphasis;
}

/** What an edge carries: the forward value, a cotangent, or a layout link between the two passes. */
export type GraphEdgeKind = "forward" | "backward" | "link";

/** A directed edge `from -> to`, labelled with the shape of the value it carries. */
export interface GraphEdge {
  /** The id of the node the edge starts at. */
  from: string;
  /** The id of the node the edge ends at. */
  to: string;
  /** Usually the shape, e.g. "[2,3]". */
  label?: string;
  /** Forward data flow, or a backward-pass edge (drawn differently). */
  kind?: GraphEdgeKind;
  /** Set by highlight: on the highlighted path (strong) or greyed out (dim). */
  emphasis?: Emphasis;
}

/** A group of nodes drawn inside one box (e.g. one layer of an MLP). */
export interface GraphCluster {
  /** Unique among the model's clusters. */
  id: string;
  /** The text drawn at the top of the box. */
  label: string;
  /** The ids of the nodes inside the box. */
  nodeIds: string[];
}

/** A computational graph, independent of how it is drawn. */
export interface GraphModel {
  /** Every node, in the order they were added. */
  nodes: GraphNode[];
  /** Every edge, between nodes of this model. */
  edges: GraphEdge[];
  /** Boxes grouping nodes (may be empty). */
  clusters: GraphCluster[];
  /** A caption drawn under the diagram. */
  title?: string;
}

/** Raised when a graph model breaks its own invariants (an edge to an unknown node, a duplicate id). */
export class GraphModelError extends RangeError {
  /** The class name, shown in tracebacks and error messages. */
  override name = "GraphModelError";
}

/** Formats a shape the way edges and labels show it: `[2,3]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[] | undefined): string {
  return shape === undefined ? "" : `[${shape.join(",")}]`;
}

/** An empty model. */
export function emptyModel(): GraphModel {
  return { nodes: [], edges: [], clusters: [] };
}

/** Builds a model node by node with fresh ids, checking that edges join known nodes. */
export class GraphBuilder {
  /** The model built so far. */
  readonly model: GraphModel = emptyModel();
  private readonly byId = new Map<string, GraphNode>();
  private counter = 0;

  /** Adds a node; the id is generated from the kind unless given. Returns the node. */
  addNode(node: Omit<GraphNode, "id"> & { id?: string }): GraphNode {
    const id = node.id ?? `${node.kind}${this.counter++}`;
    if (this.byId.has(id)) throw new GraphModelError(`GraphBuilder.addNode: duplicate node id "${id}"`);
    const full: GraphNode = { ...node, id };
    this.model.nodes.push(full);
    this.byId.set(id, full);
    return full;
  }

  /** Adds an edge between two nodes already added. */
  addEdge(edge: GraphEdge): GraphEdge {
    for (const end of [edge.from, edge.to]) {
      if (!this.byId.has(end)) throw new GraphModelError(`GraphBuilder.addEdge: unknown node "${end}"`);
    }
    this.model.edges.push(edge);
    return edge;
  }

  /** The node with this id, if the model has one. */
  node(id: string): GraphNode | undefined {
    return this.byId.get(id);
  }
}

/** Checks a model's invariants: unique node ids, edges and clusters that name existing nodes. */
export function validateModel(model: GraphModel): void {
  const ids = new Set<string>();
  for (const n of model.nodes) {
    if (ids.has(n.id)) throw new GraphModelError(`validateModel: duplicate node id "${n.id}"`);
    ids.add(n.id);
  }
  for (const e of model.edges) {
    for (const end of [e.from, e.to]) {
      if (!ids.has(end))
        throw new GraphModelError(`validateModel: edge ${e.from} -> ${e.to} names unknown "${end}"`);
    }
  }
  for (const c of model.clusters) {
    for (const id of c.nodeIds) {
      if (!ids.has(id))
        throw new GraphModelError(`validateModel: cluster "${c.id}" names unknown node "${id}"`);
    }
  }
}

/** Predecessors and successors of every node, for walks over the model. */
export interface Adjacency {
  preds: Map<string, GraphEdge[]>;
  succs: Map<string, GraphEdge[]>;
}

/** Indexes a model's edges by endpoint (optionally only edges of the given kinds). */
export function adjacency(model: GraphModel, kinds?: readonly GraphEdgeKind[]): Adjacency {
  const preds = new Map<string, GraphEdge[]>();
  const succs = new Map<string, GraphEdge[]>();
  for (const n of model.nodes) {
    preds.set(n.id, []);
    succs.set(n.id, []);
  }
  for (const e of model.edges) {
    if (kinds && !kinds.includes(e.kind ?? "forward")) continue;
    succs.get(e.from)?.push(e);
    preds.get(e.to)?.push(e);
  }
  return { preds, succs };
}

/** Every node id reachable from `start` following edges backwards (`"preds"`) or forwards (`"succs"`). */
export function reachable(
  adj: Adjacency,
  start: Iterable<string>,
  direction: "preds" | "succs",
): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of adj[direction].get(id) ?? []) stack.push(direction === "preds" ? e.from : e.to);
  }
  return seen;
}

/** Orders node ids so that every node comes after its predecessors (ties keep model order). */
export function topologicalOrder(model: GraphModel): string[] {
  const adj = adjacency(model);
  const indegree = new Map(model.nodes.map((n) => [n.id, adj.preds.get(n.id)?.length ?? 0]));
  const order: string[] = [];
  const ready = model.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  for (let next = 0; next < ready.length; next++) {
    const id = ready[next];
    order.push(id);
    for (const e of adj.succs.get(id) ?? []) {
      const left = (indegree.get(e.to) ?? 0) - 1;
      indegree.set(e.to, left);
      if (left === 0) ready.push(e.to);
    }
  }
  // A cycle cannot come from a tape, but keep every node in the listing if a hand-built model has one.
  const placed = new Set(order);
  for (const n of model.nodes) if (!placed.has(n.id)) order.push(n.id);
  return order;
}
