export { SplineConv2d, type SplineConv2dOptions } from './spline_conv.js';
export { ConcatConv2d } from './concat_conv.js';
export { ResBlock, ODEFunc, GODEFunc } from './blocks.js';
export { ResNet, NeuralODE, NeuralGODE, stem, type Dataset, type SolverOptions } from './models.js';
