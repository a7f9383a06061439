// An exact solver for the queue optimiser's assignment problem: tickets (one unit each) to people with a capacity
// and a convex load cost, or to "unassigned" — a min-cost flow solved by successive shortest paths with potentials.
// Pure numbers in, an assignment out; queue-optimiser.ts builds the costs and explains the result.
//
// The network is source → ticket → person → sink, plus ticket → unassigned → sink, with a person's k-th ticket
// costing marginal[k] on its own unit arc (convex: non-decreasing marginals, so the flow fills them in order).
// Tickets are added one at a time (the row-by-row Hungarian method generalised to capacities); each addition is
// a shortest augmenting path from the new ticket to the sink. A path moves earlier tickets along: "new ticket to
// Ana, one of Ana's to Ben, Ben takes one more". The residual graph is compressed to the people: the arc p → q
// costs min over p's tickets x of cost(x, q) − cost(x, p), kept per (p, q) as tickets come and go, so each
// Dijkstra runs on people + 2 nodes (O(P²)) instead of the 1,000 × 50 ticket edges.

export interface AssignmentProblem {
  /** Number of tickets (rows). */
  tickets: number;
  /** Number of people (columns). */
  people: number;
  /** cost[i * people + p]: cost of giving ticket i to person p (Infinity: not allowed). Integers keep it exact. */
  cost: Float64Array;
  /** Cost of leaving ticket i unassigned. */
  unassignedCost: Float64Array;
  /** How many more tickets each person may take. */
  capacity: Int32Array;
  /** marginal[marginalStart[p] + j]: the cost of person p's (j+1)-th new ticket, non-decreasing in j. */
  marginal: Float64Array;
  marginalStart: Int32Array;
  /** The order tickets are added in (any order gives an optimum; it only breaks ties). Default: 0…n−1. */
  order?: ArrayLike<number>;
}

/** Person index per ticket, or −1: unassigned. The assignment minimises the total cost exactly. */
export function solveAssignment(problem: AssignmentProblem): Int32Array {
  const { tickets: n, people: P, cost, unassignedCost, capacity, marginal, marginalStart } = problem;
  const W = P + 1; // people and the unassigned node U = P
  const U = P;
  const T = W; // the sink
  // One row of W costs per ticket, the unassigned column last: the inner loops index it without a branch.
  const cw = new Float64Array(n * W);
  for (let i = 0; i < n; i++) {
    cw.set(cost.subarray(i * P, i * P + P), i * W);
    cw[i * W + U] = unassignedCost[i];
  }

  const owner = new Int32Array(n).fill(-2); // −2: not yet added
  const slot = new Int32Array(n); // position of a ticket in its owner's list
  const members: number[][] = Array.from({ length: W }, () => []);
  const count = new Int32Array(W);
  // D[p * W + q]: min over tickets x held by p of c(x, q) − c(x, p); arg: that x.
  const D = new Float64Array(W * W).fill(Infinity);
  const arg = new Int32Array(W * W).fill(-1);
  const pi = new Float64Array(W + 1);
  const key = new Float64Array(W + 1);
  const done = new Uint8Array(W + 1);
  const parent = new Int32Array(W + 1);
  const parentTicket = new Int32Array(W + 1);

  const add = (x: number, p: number) => {
    owner[x] = p;
    slot[x] = members[p].length;
    members[p].push(x);
    const row = x * W;
    const base = cw[row + p];
    for (let q = 0; q < W; q++) {
      if (q === p) continue;
      const v = cw[row + q] - base;
      if (v < D[p * W + q]) {
        D[p * W + q] = v;
        arg[p * W + q] = x;
      }
    }
  };
  const remove = (x: number, p: number) => {
    const list = members[p];
    const last = list.pop() as number;
    if (last !== x) {
      list[slot[x]] = last;
      slot[last] = slot[x];
    }
    // Only the entries x was the best for need a new minimum.
    for (let q = 0; q < W; q++) {
      if (q === p || arg[p * W + q] !== x) continue;
      let best = Infinity;
      let who = -1;
      for (const y of list) {
        const v = cw[y * W + q] - cw[y * W + p];
        if (v < best || (v === best && y < who)) {
          best = v;
          who = y;
        }
      }
      D[p * W + q] = best;
      arg[p * W + q] = who;
    }
  };

  // Start from potentials that make every arc's reduced cost non-negative: only the first-unit arcs to the sink
  // exist before any ticket is added, and they may be negative.
  for (let p = 0; p < P; p++) if (capacity[p] > 0) pi[T] = Math.min(pi[T], marginal[marginalStart[p]]);

  const moves: number[] = [];
  for (let step = 0; step < n; step++) {
    const i = problem.order ? problem.order[step] : step;
    if (owner[i] !== -2) continue; // listed twice in order
    // Dijkstra on reduced costs from the new ticket (its own arcs may be negative: they only seed the keys).
    for (let v = 0; v < W; v++) {
      key[v] = cw[i * W + v] - pi[v];
      parent[v] = -1;
      done[v] = 0;
    }
    key[T] = Infinity;
    done[T] = 0;
    parent[T] = -1;
    for (;;) {
      let a = -1;
      let best = Infinity;
      for (let v = 0; v <= T; v++) {
        if (!done[v] && key[v] < best) {
          best = key[v];
          a = v;
        }
      }
      if (a === -1 || a === T) break;
      done[a] = 1;
      if (a === U || count[a] < capacity[a]) {
        const m = a === U ? 0 : marginal[marginalStart[a] + count[a]];
        const k = best + m + pi[a] - pi[T];
        if (k < key[T]) {
          key[T] = k;
          parent[T] = a;
        }
      }
      if (members[a].length > 0) {
        const row = a * W;
        const base = best + pi[a];
        for (let q = 0; q < W; q++) {
          if (done[q] || q === a) continue;
          const k = base + D[row + q] - pi[q];
          if (k < key[q]) {
            key[q] = k;
            parent[q] = a;
            parentTicket[q] = arg[row + q];
          }
        }
      }
    }
    const kT = key[T];
    // U always reaches the sink, so kT is finite. Nodes not settled before the sink take its distance:
    // reduced costs stay non-negative on every residual arc (early-stopped Dijkstra potentials).
    for (let v = 0; v <= T; v++) pi[v] += done[v] && key[v] < kT ? key[v] : kT;

    // Augment: walk back from the sink, moving one ticket along each person-to-person arc.
    let node = parent[T];
    count[node]++;
    moves.length = 0;
    while (parent[node] !== -1) {
      moves.push(parentTicket[node], parent[node], node);
      node = parent[node];
    }
    for (let m = 0; m < moves.length; m += 3) {
      remove(moves[m], moves[m + 1]);
      add(moves[m], moves[m + 2]);
    }
    add(i, node);
  }

  const result = new Int32Array(n);
  for (let i = 0; i < n; i++) result[i] = owner[i] === U || owner[i] < 0 ? -1 : owner[i];
  return result;
}
