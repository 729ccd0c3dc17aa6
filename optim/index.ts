// tapegrad.optim: optimizers, learning-rate schedulers and gradient clipping, PyTorch's names.
export { Optimizer, type Hyper, type ParamGroup, type ParamGroupInput, type ParamsInput, type ParamState, type ZeroGradOptions } from './optimizer.js';
export type { OptimizerStateDict } from './state_dict.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { LRScheduler, StepLR, MultiStepLR, CosineAnnealingLR, LinearLR, SequentialLR, type SchedulerStateDict, type ScheduledOptimizer } from './lr_scheduler.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
