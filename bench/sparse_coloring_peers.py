"""networkx's greedy colourings of a Jacobian's column intersection graph, for `npm run bench:sparse`.

Reads a pattern as JSON {"m", "n", "rowPtr", "colIdx"} (CSR, as jaclab's SparsityPattern stores it),
or a JSON list of them, from the file named on the command line or from stdin; builds the graph whose
vertices are the columns, two columns adjacent when some row has nonzeros in both; colours it with every
networkx greedy strategy; checks each colouring; prints one JSON line per pattern:
{"n": ..., "edges": ..., "strategies": {name: {"colors": k, "seconds": t}}}.

    .venv-peers/bin/python bench/sparse_coloring_peers.py pattern.json [--slow-limit 2048]

independent_set and saturation_largest_first are quadratic here (37 s and 13 s at 2048 columns): they
are skipped for patterns with more than --slow-limit columns.
"""

import argparse
import itertools
import json
import random
import sys
import time

import networkx as nx

SLOW = {"independent_set", "saturation_largest_first"}

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


def colour(p, slow_limit):
    g = intersection_graph(p)
    out = {}
    for strategy in STRATEGIES:
        if strategy in SLOW and p["n"] > slow_limit:
            continue
        # random_sequential draws from Python's global generator: seeded so that the table is reproducible.
        random.seed(0)
        start = time.perf_counter()
        colors = nx.greedy_color(g, strategy=strategy)
        seconds = time.perf_counter() - start
        check(g, colors)
        out[strategy] = {"colors": (max(colors.values()) + 1) if colors else 0, "seconds": seconds}
    return {"n": p["n"], "edges": g.number_of_edges(), "strategies": out}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pattern", nargs="?", help="JSON file (default: stdin)")
    parser.add_argument("--slow-limit", type=int, default=2048, help="skip the slow strategies above this many columns")
    args = parser.parse_args()
    text = open(args.pattern).read() if args.pattern else sys.stdin.read()
    data = json.loads(text)
    patterns = data if isinstance(data, list) else [data]
    for p in patterns:
        print(json.dumps(colour(p, args.slow_limit)), flush=True)


if __name__ == "__main__":
    main()
