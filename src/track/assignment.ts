/** Cost of a pair that must not be matched (outside the gate). */
export const FORBIDDEN = 1e12;

/**
 * Minimum-cost assignment (the Hungarian method, O(k^3) for k = max(rows, cols)),
 * with scratch buffers kept between calls. Pairs costing FORBIDDEN or more are
 * left unmatched; among the rest it matches as many pairs as it can, then at
 * the least total cost.
 */
export class Assignment {
  #size = 0;
  #cost = new Float64Array(0);
  #u = new Float64Array(0);
  #v = new Float64Array(0);
  #minv = new Float64Array(0);
  #p = new Int32Array(0);
  #way = new Int32Array(0);
  #used = new Uint8Array(0);
  #rowToCol = new Int32Array(0);

  /**
   * `cost(row, col)` for rows 0..rows-1 and cols 0..cols-1. Returns, for each
   * row, its column or -1: entries 0..rows-1 of a buffer reused by the next call.
   */
  solve(rows: number, cols: number, cost: (row: number, col: number) => number): Int32Array {
    const k = Math.max(rows, cols);
    this.#reserve(k);
    const a = this.#cost;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i * k + j] = i < rows && j < cols ? Math.min(FORBIDDEN, cost(i, j)) : FORBIDDEN;
    }
    const u = this.#u.fill(0, 0, k + 1);
    const v = this.#v.fill(0, 0, k + 1);
    const p = this.#p.fill(0, 0, k + 1);
    const way = this.#way.fill(0, 0, k + 1);
    const minv = this.#minv;
    const used = this.#used;
    // 1-based rows and columns; column 0 is the search's virtual start.
    for (let i = 1; i <= k; i++) {
      p[0] = i;
      let j0 = 0;
      minv.fill(Number.POSITIVE_INFINITY, 0, k + 1);
      used.fill(0, 0, k + 1);
      do {
        used[j0] = 1;
        const i0 = p[j0];
        let delta = Number.POSITIVE_INFINITY;
        let j1 = 0;
        for (let j = 1; j <= k; j++) {
          if (used[j]) continue;
          const current = a[(i0 - 1) * k + (j - 1)] - u[i0] - v[j];
          if (current < minv[j]) {
            minv[j] = current;
            way[j] = j0;
          }
          if (minv[j] < delta) {
            delta = minv[j];
            j1 = j;
          }
        }
        for (let j = 0; j <= k; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else minv[j] -= delta;
        }
        j0 = j1;
      } while (p[j0] !== 0);
      do {
        const j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 !== 0);
    }
    const rowToCol = this.#rowToCol.fill(-1, 0, rows);
    for (let j = 1; j <= k; j++) {
      const i = p[j] - 1;
      if (i < rows && j - 1 < cols && a[i * k + (j - 1)] < FORBIDDEN) rowToCol[i] = j - 1;
    }
    return rowToCol;
  }

  #reserve(k: number): void {
    if (k <= this.#size) return;
    const size = Math.max(k, 2 * this.#size, 4);
    this.#size = size;
    this.#cost = new Float64Array(size * size);
    this.#u = new Float64Array(size + 1);
    this.#v = new Float64Array(size + 1);
    this.#minv = new Float64Array(size + 1);
    this.#p = new Int32Array(size + 1);
    this.#way = new Int32Array(size + 1);
    this.#used = new Uint8Array(size + 1);
    this.#rowToCol = new Int32Array(size);
  }
}
