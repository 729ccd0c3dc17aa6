// The entry point of the WebAssembly kernels: everything exported here is callable from
// core/wasm/*.ts. Each kernel lives in a file of its own.
export { gemm, gemmWorkspaceBytes } from './gemm';
export { binary, unary, sumF32, sumRows, sumOuterInner, extremumRows } from './elementwise';
export { groupNormForward, groupNormBackward } from './group_norm';
export { pool2d, pool2dGrad } from './pool';
export { im2col, col2im } from './im2col';
export { pauForward54, pauBackward54, anyAtLeast } from './pau';
export { rpauForward54, rpauBackward54, rpauScratchBytes } from './rpau';
export { pauForwardGeneral, pauBackwardGeneral } from './pau_general';
export { flushSubnormalsF32, deuForwardTable, deuBackwardTable, deuGravitateTable } from './deu';
export { deuTableBytes, deuEntryBytes, deuCoefficientsAt, deuStartsAt, deuTableGroups, deuWriteTable } from './deu_table';
export { vmathLanes, expBelowCapLanes } from './vmath';
export { vmathSingleLanes } from './vmath_single';
