// tapegrad's training loop (fit), evaluation, progress display and metrics file.
export { fit } from './fit.js';
export type { FitOptions, FitCallbacks, BatchInfo } from './fit_options.js';
export { evaluate, type EvaluateOptions, type Evaluation } from './evaluate.js';
export { formatRecord, type EpochRecord, type History } from './records.js';
export { LOSS_NAMES, type LossName, type LossFunction, type LossSpec, type Target } from './losses.js';
export { METRIC_NAMES, type MetricName } from './metrics.js';
export { ProgressBar, PROGRESS_MODES, type ProgressBarOptions, type ProgressMode, type ProgressTick, type TextStream } from './progress.js';
export { readMetricsFile } from './metrics_file.js';
export { parseLoopState, epochFileNames, LOOP_STATE_FORMAT, LOOP_STATE_VERSION, type LoopState } from './loop_state.js';
export type { RngState } from './rng_state.js';
