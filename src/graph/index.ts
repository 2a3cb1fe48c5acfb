// Computational-graph diagrams (filled in by the graph work).
export {};
