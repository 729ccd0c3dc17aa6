// The playground page: wires the controls to a training Session (trainer.ts) on tapegrad's gpu
// backend, trains in short chunks between frames so the page stays responsive, and redraws the
// plots (plots.ts). window.playground is a small hook for tests and the console:
//   await playground.configure({activation: 'pau'}); await playground.train(300); playground.state()
import * as tg from '../../index.js';
import { describeAlarm, findLossAlarm, type LossAlarm } from './loss_watch.js';
import { drawActivation, drawBoundary, drawFit, drawLoss, inkFraction } from './plots.js';
import { ACTIVATION_KIND, ACTIVATIONS, type Config, DEFAULT_CONFIG, Session, TASK_KIND, TASKS } from './trainer.js';

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: no element #${id}`);
  return el as T;
};

// ---- the backend: WebGL2 if this browser has it, else gpu.js's own choice, else the CPU -------

interface BackendStatus { requested: string; mode: string; fellBack: boolean; why: string | null }

function startBackend(): BackendStatus {
  const modes = tg.gpuModes();
  const why = modes.webgl2;
  try {
    if (why === null) {
      tg.setBackend('gpu', { mode: 'webgl2' });
      return { requested: 'webgl2', mode: tg.backendInfo().mode, fellBack: false, why: null };
    }
    tg.setBackend('gpu', { mode: 'auto' });
    return { requested: 'webgl2', mode: tg.backendInfo().mode, fellBack: true, why };
  } catch (e) {
    tg.setBackend('cpu');
    return { requested: 'webgl2', mode: cpuMode(), fellBack: true, why: `${why ?? ''} ${(e as Error).message}`.trim() };
  }
}

/**
 * What the CPU fallback runs, from backendInfo('cpu'): WebAssembly SIMD (on shared memory when the
 * page is cross-origin isolated, with the threads running now: Web Workers join once they have
 * started) or, where WebAssembly cannot load, JavaScript.
 */
function cpuMode(): string {
  const info = tg.backendInfo('cpu');
  if (info.float32Kernels !== 'wasm-simd') return `cpu backend (JavaScript: ${info.wasmReason})`;
  const memory = info.wasmMemory?.shared ? 'shared memory' : 'plain memory';
  const { running } = info.threads;
  return `cpu backend (WebAssembly SIMD, ${memory}, ${running} thread${running === 1 ? '' : 's'})`;
}

const backend = startBackend();

/** The mode that really ran (gpu.js can fall back per kernel); refreshed after training. */
function describeBackend(): void {
  const el = $('backend');
  let text: string;
  let fellBack = backend.fellBack;
  if (tg.getBackend().name === 'gpu') {
    const info = tg.backendInfo();
    backend.mode = info.mode;
    const kernels = Object.keys(info.kernelClasses).join(', ') || 'no kernels run yet';
    if (info.fallbacks.length > 0) fellBack = true;
    text = `gpu.js mode: ${info.mode} (${kernels})${info.renderer ? ` on ${info.renderer}` : ''}`;
    if (info.fallbacks.length > 0) text += ` — ${info.fallbacks.length} kernel(s) fell back to another kernel class`;
  } else {
    backend.mode = cpuMode();
    text = `Running on the ${backend.mode}`;
  }
  if (backend.fellBack) text = `WebGL2 is not available here (${backend.why}); fell back: ${text}`;
  el.textContent = text;
  el.classList.toggle('fallback', fellBack);
}

// ---- controls --------------------------------------------------------------------------------

const form = {
  task: $<HTMLSelectElement>('task'),
  activation: $<HTMLSelectElement>('activation'),
  width: $<HTMLInputElement>('width'),
  depth: $<HTMLInputElement>('depth'),
  optimizer: $<HTMLSelectElement>('optimizer'),
  lr: $<HTMLInputElement>('lr'),
  seed: $<HTMLInputElement>('seed'),
};
const buttons = { train: $<HTMLButtonElement>('train'), pause: $<HTMLButtonElement>('pause'), reset: $<HTMLButtonElement>('reset'), export: $<HTMLButtonElement>('export') };
const canvases = { field: $<HTMLCanvasElement>('field'), loss: $<HTMLCanvasElement>('loss') };

/** Fills a select with options grouped by kind (one <optgroup> per kind, in first-seen order). */
function fill(select: HTMLSelectElement, labels: Record<string, string>, kinds: Record<string, string>): void {
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const [value, label] of Object.entries(labels)) {
    let group = groups.get(kinds[value]);
    if (!group) {
      group = document.createElement('optgroup');
      group.label = kinds[value];
      groups.set(kinds[value], group);
      select.append(group);
    }
    group.append(new Option(label, value));
  }
}
fill(form.task, TASKS, TASK_KIND);
fill(form.activation, ACTIVATIONS, ACTIVATION_KIND);

function writeForm(c: Config): void {
  form.task.value = c.task;
  form.activation.value = c.activation;
  form.width.value = String(c.width);
  form.depth.value = String(c.depth);
  form.optimizer.value = c.optimizer;
  form.lr.value = String(c.lr);
  form.seed.value = String(c.seed);
}

function readForm(): Config {
  const int = (el: HTMLInputElement, lo: number, hi: number, fallback: number) => {
    const v = Math.round(Number(el.value));
    const ok = Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;
    el.value = String(ok);
    return ok;
  };
  const lrValue = Number(form.lr.value);
  const lr = Number.isFinite(lrValue) && lrValue > 0 ? lrValue : DEFAULT_CONFIG.lr;
  form.lr.value = String(lr);
  return {
    task: form.task.value as Config['task'],
    activation: form.activation.value as Config['activation'],
    width: int(form.width, 1, 64, DEFAULT_CONFIG.width),
    depth: int(form.depth, 1, 4, DEFAULT_CONFIG.depth),
    optimizer: form.optimizer.value as Config['optimizer'],
    lr,
    seed: int(form.seed, 0, 2 ** 31, 0),
  };
}

// ---- the session and its plots ---------------------------------------------------------------

const FIELD_RES = 48;
const curveT = Session.curveInputs(121, [-3, 3]);
let session: Session;
let history = { steps: [] as number[], losses: [] as number[] };
let evaluation: ReturnType<Session['evaluate']> | null = null;
let activationCanvases: HTMLCanvasElement[] = [];
let activationRanges: { range: [number, number]; offScale: number }[] = [];
let alarm: LossAlarm | null = null;
let speed = { steps: 0, seconds: 0, rate: NaN };

function newSession(config: Config): void {
  session?.dispose();
  session = new Session(config);
  history = { steps: [], losses: [] };
  evaluation = null;
  showAlarm(null);
  speed = { steps: 0, seconds: 0, rate: NaN };
  const holder = $('activations');
  holder.replaceChildren();
  activationCanvases = [];
  const curves = session.activationCurves(curveT);
  if (curves.length === 0) {
    const p = document.createElement('p');
    p.textContent = 'Maxout takes the maximum of k = 2 learned linear pieces: it has no one-dimensional curve to draw.';
    holder.append(p);
  }
  curves.forEach((c, i) => {
    const figure = document.createElement('figure');
    const canvas = document.createElement('canvas');
    canvas.id = `activation-${i}`;
    canvas.width = 300;
    canvas.height = 200;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Activation of hidden layer ${i + 1}`);
    const caption = document.createElement('figcaption');
    caption.textContent = `${ACTIVATIONS[config.activation]} — ${c.label}`;
    figure.append(canvas, caption);
    holder.append(figure);
    activationCanvases.push(canvas);
  });
  $('field-caption').textContent = session.data.classes === null ? 'Regression fit (points: training data)' : 'Decision boundary (dots: train, rings: test)';
  $('stat-metric-name').textContent = session.data.classes === null ? 'Test MSE' : 'Test accuracy';
  redraw();
}

function redraw(): void {
  evaluation = session.evaluate();
  const { data } = session;
  if (data.classes !== null) {
    drawBoundary(canvases.field, session.field(FIELD_RES), FIELD_RES, data.domain, [
      { ...data.train, test: false },
      { ...data.test, test: true },
    ]);
  } else {
    const t = Float32Array.from({ length: FIELD_RES * 4 }, (_, i) => data.domain[0] + ((data.domain[1] - data.domain[0]) * i) / (FIELD_RES * 4 - 1));
    drawFit(canvases.field, t, session.field(FIELD_RES * 4), data.train, data.domain);
  }
  drawLoss(canvases.loss, history.steps, history.losses);
  activationRanges = session.activationCurves(curveT).map((c, i) => drawActivation(activationCanvases[i], curveT, c.curves));
  $('stat-step').textContent = String(session.step);
  $('stat-loss').textContent = Number.isFinite(session.lastLoss) ? session.lastLoss.toPrecision(4) : session.step === 0 ? '–' : 'diverged';
  $('stat-metric').textContent = evaluation.testAccuracy !== null
    ? `${(evaluation.testAccuracy * 100).toFixed(1)}%`
    : Number.isFinite(evaluation.testMse) ? evaluation.testMse!.toPrecision(3) : '–';
  $('stat-speed').textContent = Number.isFinite(speed.rate) ? speed.rate.toFixed(speed.rate < 10 ? 1 : 0) : '–';
  describeBackend();
}

// ---- the loop: chunks of steps sized to ~40 ms, a redraw at most every 250 ms -----------------

let running = false;
let chunk = 1;
let lastDraw = 0;

/** Trains `n` steps (sized chunks, yielding between them); stops early if `stop()` says so. */
async function trainSteps(n: number, stop: () => boolean): Promise<void> {
  let left = n;
  while (left > 0 && !stop()) {
    const k = Math.min(chunk, left);
    const t0 = performance.now();
    const loss = session.train(k);
    const dt = (performance.now() - t0) / 1000;
    left -= k;
    history.steps.push(session.step);
    history.losses.push(loss);
    if (alarm?.kind !== 'diverged') showAlarm(findLossAlarm(history.steps, history.losses)); // one pass over a few thousand numbers
    if (alarm?.kind === 'diverged') break; // the guard: nothing more to learn from NaN weights
    speed.steps += k;
    speed.seconds += dt;
    if (speed.seconds > 1) {
      speed.rate = speed.steps / speed.seconds;
      speed = { steps: 0, seconds: 0, rate: speed.rate };
    } else if (!Number.isFinite(speed.rate)) speed.rate = speed.steps / speed.seconds;
    chunk = Math.max(1, Math.min(200, Math.round((k * 0.04) / Math.max(dt, 1e-4))));
    if (performance.now() - lastDraw > 250) {
      redraw();
      lastDraw = performance.now();
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  redraw();
  lastDraw = performance.now();
}

/** Shows (or with null clears) the learning-rate warning under the stats. */
function showAlarm(found: LossAlarm | null): void {
  alarm = found;
  const el = $('loss-warning');
  el.hidden = found === null;
  el.classList.toggle('recovered', found !== null && found.recoveredAt !== null && found.spikes === 1);
  el.textContent = found === null ? '' : describeAlarm(found, session.config.lr);
  if (found?.kind === 'diverged') setRunning(false);
}

function setRunning(on: boolean): void {
  running = on;
  buttons.train.disabled = on;
  buttons.pause.disabled = !on;
}

async function run(): Promise<void> {
  if (running) return;
  setRunning(true);
  try {
    while (running) await trainSteps(Infinity, () => !running);
  } catch (e) {
    report(e);
  } finally {
    setRunning(false);
  }
}

function report(e: unknown): void {
  setRunning(false);
  const el = $('backend');
  el.textContent = `Training stopped: ${(e as Error).message}`;
  el.classList.add('fallback');
}

function exportWeights(): void {
  const bytes = session.exportSafetensors();
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  const a = document.createElement('a');
  const c = session.config;
  a.href = URL.createObjectURL(blob);
  a.download = `tapegrad-${c.task}-${c.activation}-w${c.width}d${c.depth}-step${session.step}.safetensors`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

buttons.train.addEventListener('click', () => void run());
buttons.pause.addEventListener('click', () => setRunning(false));
buttons.reset.addEventListener('click', () => {
  setRunning(false);
  newSession(readForm());
});
buttons.export.addEventListener('click', exportWeights);
for (const el of Object.values(form)) el.addEventListener('change', () => {
  setRunning(false);
  newSession(readForm());
});

writeForm(DEFAULT_CONFIG);
newSession(readForm());

// ---- the test hook ---------------------------------------------------------------------------

export interface PlaygroundState {
  step: number;
  loss: number;
  testAccuracy: number | null;
  testMse: number | null;
  /** The gpu.js mode that really ran the kernels (or the CPU fallback's, e.g. 'cpu backend (WebAssembly SIMD, shared memory, 2 threads)'). */
  mode: string;
  fellBack: boolean;
  kernelClasses: Record<string, number>;
  stepsPerSecond: number;
  config: Config;
  /** Fraction of non-background pixels per canvas id. */
  ink: Record<string, number>;
  /** Each activation panel's y range, and how many of its curves were left off scale. */
  activationRanges: { range: [number, number]; offScale: number }[];
  /** The learning-rate warning shown, or null. */
  warning: string | null;
}

function state(): PlaygroundState {
  const info = tg.getBackend().name === 'gpu' ? tg.backendInfo() : null;
  return {
    step: session.step,
    loss: session.lastLoss,
    testAccuracy: evaluation?.testAccuracy ?? null,
    testMse: evaluation?.testMse ?? null,
    mode: info?.mode ?? cpuMode(),
    fellBack: backend.fellBack || (info?.fallbacks.length ?? 0) > 0,
    kernelClasses: info?.kernelClasses ?? {},
    stepsPerSecond: speed.rate,
    config: { ...session.config },
    ink: Object.fromEntries([canvases.field, canvases.loss, ...activationCanvases].map((c) => [c.id, inkFraction(c)])),
    activationRanges,
    warning: alarm === null ? null : $('loss-warning').textContent,
  };
}

const playground = {
  /** Sets controls (anything not given keeps its value) and resets the model. */
  configure(partial: Partial<Config>): PlaygroundState {
    setRunning(false);
    writeForm({ ...readForm(), ...partial });
    newSession(readForm());
    return state();
  },
  /** Trains exactly `steps` steps (in chunks between frames), redraws, and returns the state. */
  async train(steps: number): Promise<PlaygroundState> {
    setRunning(false);
    await trainSteps(steps, () => false);
    return state();
  },
  state,
};
Object.assign(globalThis, { playground });
