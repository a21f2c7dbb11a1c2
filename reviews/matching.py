"""Who reviews what: the automatic assignment plan, as a pure function.

Assignment is a min-cost maximum flow: source -> proposal (the reviewers it still needs) ->
eligible member (one each) -> sink (the member's remaining capacity, one unit at a time). The
maximum flow staffs as many review slots as the caps and conflicts allow — a greedy pass can
strand a proposal that a different choice elsewhere would have staffed. Among the maximal plans
the cheapest wins: each further assignment to a member costs more than the last (so loads stay
balanced), and keyword overlap with the proposal earns a discount (so expertise is preferred
whenever it does not unbalance the loads by more than about one).
"""

from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

P = TypeVar("P", bound=Hashable)
M = TypeVar("M", bound=Hashable)

# The k-th proposal on a member's desk costs LOAD_WEIGHT * k.
LOAD_WEIGHT = 2
# Overlapping keywords beyond this many earn nothing more.
AFFINITY_CAP = 3


class _Graph:
    def __init__(self, size: int) -> None:
        self.edges: list[list[int]] = [[] for _ in range(size)]
        # Parallel arrays per edge: head, residual capacity, cost. Edge i ^ 1 is its reverse.
        self.to: list[int] = []
        self.cap: list[int] = []
        self.cost: list[int] = []

    def add(self, tail: int, head: int, cap: int, cost: int) -> int:
        for node, other, capacity, price in ((tail, head, cap, cost), (head, tail, 0, -cost)):
            self.edges[node].append(len(self.to))
            self.to.append(other)
            self.cap.append(capacity)
            self.cost.append(price)
        return len(self.to) - 2

    def shortest_path(self, source: int, sink: int) -> list[int] | None:
        """Edge indices of a cheapest augmenting path (Bellman-Ford queue; costs may be
        negative, cycles in the residual graph never are)."""
        size = len(self.edges)
        dist: list[float] = [float("inf")] * size
        via: list[int] = [-1] * size
        queued = [False] * size
        dist[source] = 0
        queue = deque([source])
        while queue:
            node = queue.popleft()
            queued[node] = False
            for edge in self.edges[node]:
                if self.cap[edge] <= 0:
                    continue
                head = self.to[edge]
                candidate = dist[node] + self.cost[edge]
                if candidate < dist[head]:
                    dist[head] = candidate
                    via[head] = edge
                    if not queued[head]:
                        queued[head] = True
                        queue.append(head)
        if via[sink] == -1:
            return None
        path = []
        node = sink
        while node != source:
            edge = via[node]
            path.append(edge)
            node = self.to[edge ^ 1]
        return path


def plan_assignments(
    *,
    needs: Mapping[P, int],
    capacity: Mapping[M, int],
    load: Mapping[M, int],
    eligible: Mapping[P, Iterable[M]],
    affinity: Mapping[tuple[P, M], int],
) -> dict[P, list[M]]:
    """New reviewers for each proposal: as many slots filled as possible, loads balanced,
    expertise preferred. Deterministic for the same (ordered) inputs.

    needs: proposal -> how many more reviewers it needs; capacity: member -> how many more
    proposals they may take; load: member -> how many they already have; eligible: proposal ->
    members who may review it (not conflicted, not already on it); affinity: (proposal, member)
    -> number of overlapping expertise keywords.
    """
    proposals = [p for p in needs if needs[p] > 0]
    members = [m for m in capacity if capacity[m] > 0]
    source, sink = 0, 1
    p_node = {p: 2 + i for i, p in enumerate(proposals)}
    m_node = {m: 2 + len(proposals) + i for i, m in enumerate(members)}
    graph = _Graph(2 + len(proposals) + len(members))

    for p in proposals:
        graph.add(source, p_node[p], needs[p], 0)
    pair_edges: dict[int, tuple[P, M]] = {}
    for p in proposals:
        for m in eligible.get(p, ()):
            if m in m_node:
                bonus = min(affinity.get((p, m), 0), AFFINITY_CAP)
                pair_edges[graph.add(p_node[p], m_node[m], 1, -bonus)] = (p, m)
    for m in members:
        for extra in range(capacity[m]):
            graph.add(m_node[m], sink, 1, LOAD_WEIGHT * (load.get(m, 0) + extra + 1))

    while (path := graph.shortest_path(source, sink)) is not None:
        # Every path carries one unit: member -> sink and proposal -> member edges hold one.
        for edge in path:
            graph.cap[edge] -= 1
            graph.cap[edge ^ 1] += 1

    plan: dict[P, list[M]] = {p: [] for p in proposals}
    for edge, (p, m) in pair_edges.items():
        if graph.cap[edge] == 0:
            plan[p].append(m)
    return plan
