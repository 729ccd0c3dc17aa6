// The two 1-1-1 subspaces with loops of their own, as types: each loop is a generic function
// instantiated once per kind, so that every `real ? … : …` in it is decided when it is compiled.
// (A loop that tests the kind at run time holds both kinds' code, and V8 allocates registers for
// the union: its values spill to the stack. Separating them made the float64 backward loop 5 %
// faster and the float32 loops 15–25 %, bench/RESULTS.md. Binaryen folds
// two inlined copies of one loop that differ only in a constant argument back into one, so a plain
// `if (real) loop(true) else loop(false)` does not separate them; two generic instances do.)
export class RealRoots {}
export class Oscillation {}
/** Whether K is RealRoots (a constant in each instance). */
@inline export function isRealRoots<K>(): bool {
  return idof<K>() == idof<RealRoots>();
}
