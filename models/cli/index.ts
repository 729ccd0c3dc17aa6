// The tapegrad CLI as a library: main(argv, io) → exit code, and each command's pieces.
export { main, USAGE, COMMANDS, type CommandName } from './main.js';
export { parseOptions, formatHelp, UsageError, type OptionSpec, type OptionTable, type ParsedOptions } from './args.js';
export { train, trainCommand, givenOptions, checkTrainArgs, parseHidden, cosineDecay, TRAIN_OPTIONS, OPTIMIZERS, SCHEDULES, type TrainArgs, type TrainResult } from './commands/train.js';
export { evaluateCheckpoint, evalCommand, loadTrained, checkCheckpointPath, describeResult, EVAL_OPTIONS, type EvalResult } from './commands/eval.js';
export { plotCommand, PLOT_OPTIONS, type PlotResult } from './commands/plot.js';
export { DATASETS, DATASET_SHAPES, loadDatasetPair, isDatasetName, MNIST_MEAN, MNIST_STD, type DatasetName, type DatasetPair, type DatasetOptions } from './datasets.js';
export { readRunInfo, parseRunInfo, buildFromRunInfo, checkModelFitsFile, impliedWeights, METADATA_KEY, RUN_FILE, type RunInfo } from './run_info.js';
export { prepareFreshRun, checkResumable, runFilesIn } from './run_folder.js';
export type { Io } from './io.js';
