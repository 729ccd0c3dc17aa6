// tapegrad.nn: modules, layers, activations, initialisers and safetensors checkpoints, with
// PyTorch's names (torch.nn, torch.nn.init, safetensors).
export { Module, toSnakeCase, type Slot } from './module.js';
export { Parameter, isParameter, fullParameter } from './parameter.js';
export { Sequential, ModuleList, ModuleDict, ModuleSequence } from './containers.js';
export type { LoadStateDictOptions, LoadStateDictResult } from './state_dict.js';
export { functionalCall } from './functional_call.js';
export * as init from './init.js';

export { Linear, type LinearOptions } from './linear.js';
export { Conv2d, type Conv2dOptions } from './conv.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions, type AdaptiveSize } from './pooling.js';
export { GroupNorm, type GroupNormOptions } from './group_norm.js';
export { BatchNorm, BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batch_norm.js';
export { LayerNorm, type LayerNormOptions } from './layer_norm.js';
export { Dropout } from './dropout.js';
export { Flatten } from './flatten.js';
export { Identity } from './identity.js';

export { ReLU, LeakyReLU, ReLU6, ELU, CELU, SELU, Tanh, Sigmoid, Softplus } from './activation.js';
export { PReLU, type PReLUOptions } from './prelu.js';
export {
  GELU, Hardtanh, Hardswish, Hardsigmoid, Mish, Softsign, LogSigmoid, Tanhshrink, Softshrink, Hardshrink, Threshold,
} from './activations_pytorch.js';
export { GLU, Softmax, LogSoftmax, Softmin, Softmax2d } from './activations_dim.js';
export { RReLU } from './rrelu.js';
export { SiLU, Swish, type SiLUOptions } from './silu.js';
export { Maxout, type MaxoutOptions } from './maxout.js';
export { IdentityReLUMixture, type IdentityReLUMixtureOptions } from './identity_relu_mixture.js';
export { APL, type APLOptions } from './apl.js';
export { SReLU, type SReLUOptions } from './srelu.js';
export { Loss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, type ReductionOptions } from './loss.js';
export {
  CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss,
  type CrossEntropyLossOptions, type NLLLossOptions, type BCELossOptions, type BCEWithLogitsLossOptions,
} from './loss_classification.js';

export { encodeSafetensors, decodeSafetensors, type Safetensors, type SafetensorsDType, type DecodeOptions, type EncodeOptions, type SafetensorsHeader, type SafetensorsEntry } from './serialization.js';
export { saveSafetensors, loadSafetensors, readSafetensorsHeader, removeStaleTemporaries } from './safetensors_file.js';
export {
  saveCheckpoint, loadCheckpoint, packCheckpoint, unpackCheckpoint,
  type StatefulOptimizer, type OptimizerState, type SaveCheckpointOptions, type LoadedCheckpoint, type PackedCheckpoint,
} from './checkpoint.js';
export { DEU, DEU_FORMS, type DEUInit, type DEUOptions } from './deu.js';
export { PAU, RPAU, type PAUInit, type PAUOptions, type RPAUOptions } from './pau.js';
export { pauInitialCoefficients, fitRational, PAU_INIT_NAMES, PAU_INIT_TABLE, type PauInitName, type FitOptions, type FitResult } from './pau_init/index.js';
