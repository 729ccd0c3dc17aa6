// tapegrad's data: dataset readers (IDX, CSV), MNIST / Fashion-MNIST / diabetes, toy sets,
// the DataLoader and its batch transforms. See data/README.md for sources and licences.
export { parseIdx, readIdx, isGzip, IDX_TYPES, type Idx, type IdxDType, type IdxArray } from './idx.js';
export { parseNumericCsv, type NumericCsv } from './csv.js';
export {
  makeDataset, subset, datasetTensors,
  type Dataset, type ClassificationDataset, type RegressionDataset, type DatasetSpec,
} from './dataset.js';
export { loadMnist, loadFashionMnist, mnistFromIdx, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, type MnistOptions, type Split } from './mnist.js';
export { loadDiabetes, DIABETES_FEATURES, type DiabetesOptions } from './diabetes.js';
export {
  circles, spirals, sine, challenging, challengingFunction,
  type CirclesOptions, type SpiralsOptions, type CurveOptions,
} from './synthetic.js';
export { DataLoader, type DataLoaderOptions, type Batch } from './loader.js';
export { compose, normalise, normalize, randomCrop, randomRotation, type Transform, type HostBatch, type RotationOptions } from './transforms.js';
export { deriveSeed } from './random.js';
