// The part of scijs ndarray's type that tapegrad's API uses. It is declared here rather than
// taken from @types/ndarray so that the published .d.ts files type-check in a project that has
// only tapegrad installed (@types/ndarray is a devDependency, and ndarray ships no types).
// An ndarray typed with @types/ndarray is assignable to these interfaces.

/** What fromNdarray reads: any strided view of numbers (scijs ndarray, or a look-alike). */
export interface NdArrayLike {
  data: ArrayLike<number> | { get(index: number): number; length: number };
  shape: number[];
  stride: number[];
  offset: number;
  get(...index: number[]): number;
}

/** scijs ndarray's names for its storage types. */
export type NdArrayDType =
  | 'int8' | 'int16' | 'int32' | 'uint8' | 'uint8_clamped' | 'uint16' | 'uint32'
  | 'float32' | 'float64' | 'generic' | 'array';

/** What Tensor.toNdarray returns: a scijs ndarray over a typed array. */
export interface NdArray<D extends ArrayLike<number> = ArrayLike<number>> extends NdArrayLike {
  data: D;
  dtype: NdArrayDType;
  size: number;
  order: number[];
  dimension: number;
  set(...indexThenValue: number[]): number;
  index(...index: number[]): number;
  lo(...index: number[]): NdArray<D>;
  hi(...index: number[]): NdArray<D>;
  step(...steps: number[]): NdArray<D>;
  transpose(...axes: number[]): NdArray<D>;
  pick(...index: Array<number | null>): NdArray<D>;
  T: NdArray<D>;
}
