// Butcher tableaus of the Runge–Kutta methods. A step from (t0, y0) with size h:
//   k_i = f(t0 + c_i·h, y0 + h·Σ_j a_ij·k_j),   y1 = y0 + h·Σ_i b_i·k_i
export interface Tableau {
  readonly name: string;
  readonly c: readonly number[];
  readonly a: readonly (readonly number[])[];
  readonly b: readonly number[];
}

export const EULER: Tableau = { name: 'euler', c: [0], a: [[]], b: [1] };

export const MIDPOINT: Tableau = { name: 'midpoint', c: [0, 1 / 2], a: [[], [1 / 2]], b: [0, 1] };

/** The classical fourth-order method. */
export const RK4: Tableau = {
  name: 'rk4',
  c: [0, 1 / 2, 1 / 2, 1],
  a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
};

/** Kutta's 3/8 rule: what torchdiffeq calls "rk4". */
export const RK4_38: Tableau = {
  name: 'rk4_38',
  c: [0, 1 / 3, 2 / 3, 1],
  a: [[], [1 / 3], [-1 / 3, 1], [1, -1, 1]],
  b: [1 / 8, 3 / 8, 3 / 8, 1 / 8],
};

/**
 * Dormand–Prince 5(4) as torchdiffeq implements it: 7 stages, the last evaluated at (t1, y1) and
 * reused as the next step's first (FSAL). `e` = b − b̂ uses Shampine's embedded weights b̂, and
 * `mid` (the halved C_MID weights) gives y at the step's midpoint for dense output.
 */
export const DOPRI5 = {
  name: 'dopri5',
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  e: [
    35 / 384 - 1951 / 21600, 0, 500 / 1113 - 22642 / 50085, 125 / 192 - 451 / 720,
    -2187 / 6784 + 12231 / 42400, 11 / 84 - 649 / 6300, -1 / 60,
  ],
  mid: [
    6025192743 / 30085553152 / 2, 0, 51252292925 / 65400821598 / 2, -2691868925 / 45128329728 / 2,
    187940372067 / 1594534317056 / 2, -1776094331 / 19743644256 / 2, 11237099 / 235043384 / 2,
  ],
} as const;

export const FIXED_TABLEAUS: Record<string, Tableau> = { euler: EULER, midpoint: MIDPOINT, rk4: RK4, rk4_38: RK4_38 };
