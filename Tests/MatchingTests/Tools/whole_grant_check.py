#!/usr/bin/env python3
"""Independent check of CallAllocator.whole: the best sum of score x asked over the sets of
applications that can all be paid in full, by trying every set (brute force) and asking networkx
whether the funds can pay it (a maximum flow from funds to applications, each admitting only
the funds its earmarks allow).

Reads a JSON array of instances {"budgets": [...], "applications": [[asked, score, [fund, ...]], ...]}
on stdin and prints one integer optimum per instance, one per line. Meant for small instances
(2^n sets for n applications).
"""
import itertools
import json
import sys

try:
    import networkx as nx
except ImportError:
    print("networkx is missing: install it with `pip install networkx`", file=sys.stderr)
    sys.exit(3)


def payable(budgets, applications, chosen):
    need = sum(applications[i][0] for i in chosen)
    if need == 0:
        return True
    graph = nx.DiGraph()
    for f, budget in enumerate(budgets):
        graph.add_edge("source", ("fund", f), capacity=max(0, budget))
    for i in chosen:
        asked, _, funds = applications[i]
        graph.add_edge(("application", i), "sink", capacity=asked)
        for f in funds:
            if 0 <= f < len(budgets):
                graph.add_edge(("fund", f), ("application", i), capacity=asked)
    if "source" not in graph or "sink" not in graph:
        return False
    return nx.maximum_flow_value(graph, "source", "sink") == need


def optimum(instance):
    budgets = instance["budgets"]
    applications = [(max(0, int(a)), max(0, int(s)), list(f)) for a, s, f in instance["applications"]]
    candidates = [i for i, (asked, _, funds) in enumerate(applications) if asked > 0 and funds]
    best = 0
    for size in range(len(candidates) + 1):
        for chosen in itertools.combinations(candidates, size):
            value = sum(applications[i][1] * applications[i][0] for i in chosen)
            if value > best and payable(budgets, applications, chosen):
                best = value
    return best


def main():
    instances = json.load(sys.stdin)
    print("\n".join(str(optimum(instance)) for instance in instances))


if __name__ == "__main__":
    main()
