// The slots of a DEU neuron's constant block (deu.ts writes them after the neuron's fields in the
// table; deu.ts's float64 loops and deu_single.ts's float32 loops read them), 16 bytes each:
//   - float64 loops: f64x2, lane 0 one neuron's value, lane 1 the other's (loadTwo);
//   - float32 loops: f32x4, lane k the k-th of four neurons' value (packFour), and two f64x2
//     slots with ω of the four in float64 (their sin/cos arguments are formed in float64).
export const V_C1 = 0, V_C2 = 1, V_INVC = 2, V_INVD = 3;
// Δ > 0: r± = (−b ± D)/(2a), b + D, D − b, D = √(b² − 4ac), 2D, 1/(2D²c), and the partials of D
// and r± by a, b, c (deu_far.ts derives them), each θ's as (D_θ, (b + D)_θ, (D − b)_θ, r₊_θ, r₋_θ)
export const V_RPLUS = 4, V_RMINUS = 5, V_BD = 6, V_DB = 7, V_D = 8, V_D2 = 9, V_INVDEN = 10;
export const V_REAL_A = 11, V_REAL_B = 16, V_REAL_C = 21; // five slots each
// Δ < 0: −α = −b/(2a), ω = W/(2a), b/W with W = √(4ac − b²), and the partials of α, ω and b/W
// by a, b, c, each θ's as (α_θ, ω_θ, (b/W)_θ) (α_c = 0)
export const V_NEG_ALPHA = 4, V_OMEGA = 5, V_BW = 6;
export const V_OSC_A = 7, V_OSC_B = 10, V_OSC_C = 13; // three slots each
/** The slots written per neuron; then, for the float32 loops, ω of lanes 0, 1 and of lanes 2, 3 in float64. */
export const CONSTANT_SLOTS: usize = 26;
export const V_OMEGA_LOW = 26, V_OMEGA_HIGH = 27;
// For deu.ts's row tiles (rowsPerTile), in the block of a unit's first neuron: the unit's running
// coefficient-gradient sums (a float64 pair's five lane sums, a, b, c, c1, c2, or a float32 group's
// ten float64 pairs, deu_single.ts) and its record (deu.ts's writeRecord: 32 bytes of int32s)
export const V_SUMS = 28, V_UNIT = 38;
export const SLOTS: usize = 40;

/** The constant in slot `i` of the block at `v`. */
@inline export function slot(v: usize, i: usize): v128 {
  return v128.load(v + (i << 4));
}
