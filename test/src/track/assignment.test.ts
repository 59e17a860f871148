import { strict as assert } from "node:assert";
import fc from "fast-check";
import { Assignment, FORBIDDEN } from "../../../src/track/assignment.js";

/** Best (most pairs, then least cost) over every assignment: the brute-force reference. */
function bruteForce(cost: number[][], rows: number, cols: number): [pairs: number, total: number] {
  let best: [number, number] = [0, 0];
  const usedCols = new Array<boolean>(cols).fill(false);
  const visit = (row: number, pairs: number, total: number): void => {
    if (row === rows) {
      if (pairs > best[0] || (pairs === best[0] && total < best[1])) best = [pairs, total];
      return;
    }
    visit(row + 1, pairs, total);
    for (let col = 0; col < cols; col++) {
      if (usedCols[col] || cost[row][col] >= FORBIDDEN) continue;
      usedCols[col] = true;
      visit(row + 1, pairs + 1, total + cost[row][col]);
      usedCols[col] = false;
    }
  };
  visit(0, 0, 0);
  return best;
}

describe("assignment", () => {
  it("prefers the least total cost over greedy nearest-first", () => {
    // Greedy would take (0,0) at 1 and leave row 1 with 100; the optimum is 2 + 3.
    const cost = [[1, 2], [3, 100]];
    const match = new Assignment().solve(2, 2, (r, c) => cost[r][c]);
    assert.deepEqual([match[0], match[1]], [1, 0]);
  });

  it("leaves forbidden pairs unmatched and handles rectangles", () => {
    const solver = new Assignment();
    const wide = solver.solve(1, 3, (_r, c) => (c === 2 ? 5 : FORBIDDEN));
    assert.equal(wide[0], 2);
    const tall = solver.solve(3, 1, (r) => (r === 1 ? 5 : FORBIDDEN));
    assert.deepEqual([tall[0], tall[1], tall[2]], [-1, 0, -1]);
    const none = solver.solve(2, 2, () => FORBIDDEN);
    assert.deepEqual([none[0], none[1]], [-1, -1]);
  });

  it("matches as many pairs as possible at the least cost (brute-force check)", () => {
    const solver = new Assignment();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.array(fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }), { minLength: 25, maxLength: 25 }), (rows, cols, values) => {
        const cost = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => values[r * 5 + c] ?? FORBIDDEN));
        const match = solver.solve(rows, cols, (r, c) => cost[r][c]);
        const seen = new Set<number>();
        let pairs = 0;
        let total = 0;
        for (let r = 0; r < rows; r++) {
          if (match[r] < 0) continue;
          assert.ok(!seen.has(match[r]), "a column is used once");
          seen.add(match[r]);
          assert.ok(cost[r][match[r]] < FORBIDDEN);
          pairs++;
          total += cost[r][match[r]];
        }
        assert.deepEqual([pairs, total], bruteForce(cost, rows, cols));
      }),
      { numRuns: 500 },
    );
  });
});
