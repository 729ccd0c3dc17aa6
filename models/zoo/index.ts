// The model zoo: the papers' networks and activations by name (what the tapegrad CLI builds).
export { ACTIVATIONS, LEARNED_ACTIVATIONS, MAXOUT_K, activationWidth, buildActivation, isActivationName, type ActivationName, type ActivationOptions } from './activations.js';
export { MODELS, FIXED_ACTIVATION_MODELS, buildModel, isModelName, MLP, LeNet5, DEUCNN, VGG8, type ModelName, type ModelOptions } from './models.js';
