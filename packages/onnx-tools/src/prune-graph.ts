import type { onnx } from 'onnx-proto';

/** Names a node reads, including those its subgraphs (If / Loop / Scan bodies) read from the outer graph. */
function nodeInputs(node: onnx.INodeProto, into: Set<string> = new Set()): Set<string> {
  for (const name of node.input ?? []) if (name) into.add(name);
  for (const attr of node.attribute ?? []) {
    for (const sub of [...(attr.g ? [attr.g] : []), ...(attr.graphs ?? [])]) {
      for (const n of sub.node ?? []) nodeInputs(n, into);
    }
  }
  return into;
}

/**
 * Keeps only what `outputs` depend on: walks back from them through producers (subgraph reads
 * included) and drops every other node, initializer, value_info and graph input, in place. The
 * graph's declared outputs are left to the caller. This is how a rewritten model stops doing work
 * nobody reads: a language model's LM head, a speech encoder's blocks after the deepest layer a
 * stage exposes. Returns the names of the tensors kept.
 */
export function pruneGraph(graph: onnx.IGraphProto, outputs: readonly string[]): Set<string> {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, k) => (n.output ?? []).forEach((o) => producer.set(o, k)));
  const keep = new Set<number>();
  const needed = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    needed.add(name);
    const k = producer.get(name);
    if (k === undefined || keep.has(k)) continue;
    keep.add(k);
    for (const inp of nodeInputs(nodes[k]!)) stack.push(inp);
  }
  graph.node = nodes.filter((_, k) => keep.has(k));
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => needed.has(v.name ?? ''));
  const weights = new Set(graph.initializer.map((t) => t.name ?? ''));
  graph.input = (graph.input ?? []).filter((i) => needed.has(i.name ?? '') && !weights.has(i.name ?? ''));
  return needed;
}
