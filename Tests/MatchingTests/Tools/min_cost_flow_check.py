#!/usr/bin/env python3
"""Independent check of Allocator.split: the optimum sum of weight x amount, found by networkx.

Reads a JSON instance {"budgets": [...], "needs": [...], "edges": [[sponsor, project, weight], ...]}
or a JSON array of them on stdin, and prints one integer optimum per instance, one per line.
The formulation: source -> sponsor (budget), sponsor -> project (min(budget, need), cost -weight),
project -> sink (need), and a free source -> sink bypass so that money may stay unplaced.
"""
import json
import sys

try:
    import networkx as nx
except ImportError:
    print("networkx is missing: install it with `pip install networkx`", file=sys.stderr)
    sys.exit(3)


def optimum(instance):
    budgets = [max(0, int(b)) for b in instance["budgets"]]
    needs = [max(0, int(n)) for n in instance["needs"]]
    total = sum(budgets)
    graph = nx.DiGraph()
    graph.add_node("source", demand=-total)
    graph.add_node("sink", demand=total)
    for i, budget in enumerate(budgets):
        graph.add_edge("source", ("sponsor", i), capacity=budget, weight=0)
    for j, need in enumerate(needs):
        graph.add_edge(("project", j), "sink", capacity=need, weight=0)
    for i, j, w in instance["edges"]:
        graph.add_edge(("sponsor", i), ("project", j), capacity=min(budgets[i], needs[j]), weight=-int(w))
    graph.add_edge("source", "sink", capacity=total, weight=0)
    cost, flow = nx.network_simplex(graph)
    # Recompute from the flow so the answer does not rest on networkx's cost bookkeeping alone.
    placed = sum(
        int(w) * flow[("sponsor", i)][("project", j)] for i, j, w in instance["edges"]
    )
    if placed != -cost:
        raise SystemExit(f"networkx cost {cost} disagrees with its flow {placed}")
    return placed


def main():
    data = json.load(sys.stdin)
    instances = data if isinstance(data, list) else [data]
    print("\n".join(str(optimum(instance)) for instance in instances))


if __name__ == "__main__":
    main()
