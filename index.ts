// The public surface of tapegrad: re-exports only.
import './core/cpu/backend.js';
import './core/gpu/index.js';
import './ops/methods.js';

export { Tensor, isTensor, type NestedArray, type BackwardOptions } from './core/tensor.js';
export type { DType, TypedArray } from './core/dtype.js';
export { TapegradError } from './core/errors.js';
export {
  tensor, zeros, ones, full, arange, linspace, eye, rand, randn, randint,
  zerosLike, onesLike, fullLike, randLike, randnLike, randintLike, type TensorOptions,
} from './core/creation.js';
export { manualSeed, Generator } from './core/rng.js';
export { noGrad, enableGrad, isGradEnabled } from './core/tape.js';
export { grad } from './core/autograd.js';
export { tidy, keep } from './core/scope.js';
export { memory, resetPeakMemory, type MemoryReport } from './core/memory.js';
export { getBackend, setBackend, registerBackend, backendNames, type Backend, type Kernels } from './core/backend.js';
export { fromNdarray } from './core/ndarray_interop.js';
export type { NdArray, NdArrayLike, NdArrayDType } from './core/ndarray_types.js';
export {
  backendInfo, configureGpu, registerGpuBackend, gpuBackend, gpuModes, GpuBackend, MAX_ELEMENTS as GPU_MAX_ELEMENTS,
  GPU_MODES, AUTO_ORDER as GPU_AUTO_ORDER, type GpuBackendInfo, type GpuBackendOptions, type GpuMode, type CacheStats as GpuCacheStats,
} from './core/gpu/index.js';
export { gradcheck, type GradcheckOptions, type GradcheckReport } from './core/gradcheck.js';
export { gradgradcheck, type GradgradcheckOptions } from './core/gradgradcheck.js';

export * from './ops/unary.js';
export * from './ops/binary.js';
export * from './ops/compare.js';
export * from './ops/reduce.js';
export * from './ops/matmul.js';
export * from './ops/shape.js';
export { gather, scatterAdd, indexSelect, type IndexLike } from './ops/indexing.js';
export * from './ops/softmax.js';
export * from './ops/activation.js';
export { cumsum } from './ops/cumsum.js';
export { einsum, outer } from './ops/einsum.js';
export * from './ops/loss.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/norm.js';
export * from './ops/deu.js';
export * from './ops/pau.js';
export { listOps, type OpInfo, type GradKind } from './ops/registry.js';
export { customOp, type CustomOp, type CustomOpContext, type CustomOpDefinition, type CustomGradients } from './ops/custom_op.js';
export { defineUnary, gradcheckUnary, type UnaryOp, type UnaryDefinition, type GradcheckUnaryOptions } from './ops/define_unary.js';
export * as optim from './optim/index.js';
export * as nn from './nn/index.js';
export * as data from './data/index.js';
export * from './models/training/index.js';
export * as zoo from './models/zoo/index.js';
export * as plot from './models/plot/index.js';
export { BSplineBasis, type BSplineOptions, type KnotKind } from './models/bspline.js';
export * as ode from './models/ode/index.js';
export * as gode from './models/gode/index.js';
export { BSplineActivation, type BSplineActivationOptions } from './models/bspline_activation.js';
