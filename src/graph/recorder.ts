// Turns tensors and operations into graph-model nodes, one node per tensor or operation, shared by the
// tape walker and the function tracer.
import { constantLabel, describeParams, type HistoryTensor } from "./history.js";
import { formatShape, GraphBuilder, type GraphModel } from "./model.js";

/** One operand of an operation: the node that produced it and the shape it carries. */
export interface Operand {
  nodeId: string;
  shape: readonly number[];
}

/** Builds a forward graph: inputs, constants, operations and outputs, remembering which node is which. */
export class GraphRecorder {
  private readonly builder = new GraphBuilder();
  private readonly nodeOf = new Map<object, string>();
  private leafCount = 0;
  private opCount = 0;
  private outputCount = 0;

  /**
   * @param names user names for tensors (leaves or intermediates), shown on their nodes
   * @param defaultLeafName the name of the k-th unnamed leaf that requires grad
   */
  constructor(
    private readonly names: ReadonlyMap<object, string> = new Map(),
    private readonly defaultLeafName: (k: number) => string = (k) => `x${k}`,
  ) {}

  get model(): GraphModel {
    return this.builder.model;
  }

  /** The node already recorded for a tensor or history node, if any. */
  lookup(key: object): string | undefined {
    return this.nodeOf.get(key);
  }

  /** Binds another key (e.g. a tensor produced by an operation) to an existing node. */
  alias(key: object, nodeId: string): void {
    this.nodeOf.set(key, nodeId);
  }

  /** Records a named input (a function argument or a leaf requiring grad). */
  input(t: HistoryTensor, name?: string): string {
    const known = this.nodeOf.get(t);
    if (known !== undefined) return known;
    const label = name ?? this.names.get(t) ?? this.defaultLeafName(this.leafCount++);
    const node = this.builder.addNode({
      id: `in${this.nodeOf.size}`,
      kind: "input",
      label,
      name: label,
      shape: [...t.shape],
    });
    this.nodeOf.set(t, node.id);
    return node.id;
  }

  /** Records a leaf: an input when it requires grad, otherwise a constant (named, or showing its value). */
  leaf(t: HistoryTensor): string {
    const known = this.nodeOf.get(t);
    if (known !== undefined) return known;
    if (t.requiresGrad === true) return this.input(t);
    const label = this.names.get(t) ?? constantLabel(t);
    const node = this.builder.addNode({
      id: `c${this.nodeOf.size}`,
      kind: "constant",
      label,
      shape: [...t.shape],
    });
    this.nodeOf.set(t, node.id);
    return node.id;
  }

  /** Records a number operand (a literal in `x.mul(2)`) as a constant node of its own. */
  literal(value: number): string {
    return this.builder.addNode({
      id: `lit${this.opCount++}`,
      kind: "constant",
      label: String(value),
      shape: [],
    }).id;
  }

  /**
   * Records an operation on operands already recorded; `key` (the history node or the output tensor)
   * identifies it, and `named` is a tensor whose user name labels the node.
   */
  op(
    key: object,
    name: string,
    params: unknown,
    operands: Operand[],
    shape: readonly number[],
    named?: object,
  ): string {
    const userName = named === undefined ? undefined : this.names.get(named);
    const detail = describeParams(
      name,
      params,
      operands.map((o) => o.shape),
    );
    const node = this.builder.addNode({
      id: `op${this.opCount++}`,
      kind: "op",
      label: name,
      shape: [...shape],
      ...(userName !== undefined ? { name: userName } : {}),
      ...(detail ? { detail } : {}),
    });
    for (const operand of operands) {
      // A scalar literal's node already shows its value; "[]" on its edge would only add clutter.
      const literal = this.builder.node(operand.nodeId)?.kind === "constant" && operand.shape.length === 0;
      this.builder.addEdge({
        from: operand.nodeId,
        to: node.id,
        ...(literal ? {} : { label: formatShape(operand.shape) }),
        kind: "forward",
      });
    }
    this.nodeOf.set(key, node.id);
    return node.id;
  }

  /** Records an output fed by `producer`, named `name` or `y`, `y[1]`... */
  output(producer: string, shape: readonly number[], name?: string): string {
    const label = name ?? `y${this.outputCount}`;
    const node = this.builder.addNode({
      id: `out${this.outputCount++}`,
      kind: "output",
      label,
      name: label,
      shape: [...shape],
    });
    this.builder.addEdge({ from: producer, to: node.id, label: formatShape(shape), kind: "forward" });
    return node.id;
  }
}
