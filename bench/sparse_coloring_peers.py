"""networkx's greedy colourings of a Jacobian's column intersection graph, for `npm run bench:sparse`.

Reads a pattern as JSON {"m", "n", "rowPtr", "colIdx"} (CSR, as jaclab's SparsityPattern stores it)
from a file named on the command line, or a JSON list of such patterns, or from stdin; builds the graph
whose vertices are the columns, two columns adjacent when some row has nonzeros in both; colours it
with every networkx greedy strategy; checks each colouring; prints one JSON object per pattern:
{"n": ..., "edges": ..., "strategies": {name: {"colors": k, "seconds": t}}}.
"""

import itertools
import json
import random
import sys
import time

import networkx as nx

STRATEGIES = [
    "largest_first",
    "smallest_last",
    "independent_set",
    "connected_sequential_bfs",
    "connected_sequential_dfs",
    "saturation_largest_first",
    "random_sequential",
]


def intersection_graph(p):
    g = nx.Graph()
    g.add_nodes_from(range(p["n"]))
    row_ptr, col_idx = p["rowPtr"], p["colIdx"]
    for i in range(p["m"]):
        cols = col_idx[row_ptr[i] : row_ptr[i + 1]]
        g.add_edges_from(itertools.combinations(cols, 2))
    return g


def check(g, colors):
    for u, v in g.edges():
        if colors[u] == colors[v]:
            raise AssertionError(f"networkx colouring is invalid at edge {u}-{v}")


def colour(p):
    g = intersection_graph(p)
    out = {}
    for strategy in STRATEGIES:
        # random_sequential draws from Python's global generator: seeded so that the table is reproducible.
        random.seed(0)
        start = time.perf_counter()
        colors = nx.greedy_color(g, strategy=strategy)
        seconds = time.perf_counter() - start
        check(g, colors)
        out[strategy] = {"colors": (max(colors.values()) + 1) if colors else 0, "seconds": seconds}
    return {"n": p["n"], "edges": g.number_of_edges(), "strategies": out}


def main():
    text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
    data = json.loads(text)
    patterns = data if isinstance(data, list) else [data]
    for p in patterns:
        print(json.dumps(colour(p)), flush=True)


if __name__ == "__main__":
    main()
