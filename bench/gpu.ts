// `npm run bench:gpu`: tapegrad's gpu.js backend in the modes Node offers here (webasm always,
// headlessgl when `gl` is built and a display exists: run it under `xvfb-run -a`) against
// tapegrad's CPU backend and TensorFlow.js's CPU backend, then the same in Chromium (webgl2 with
// SwiftShader's software WebGL) against tfjs-backend-webgl on the same page (bench/browser/).
// No GPU here, only software rasterisers: the figures are ratios between libraries running on the
// same substrate, not speeds of a GPU. Contenders run round-robin; medians; results go to the
// "gpu" section of bench/RESULTS.md.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs'; // the full package: it registers the gradients
import * as tg from '../index.js';
import { backendInfo, gpuModes, registerGpuBackend } from '../core/gpu/index.js';
import { runBrowserBench, type BrowserBenchResult } from './browser/run.js';
import { GPU_MLP, MATMUL_N, interleave, median, sameLosses, tapegradMatmul, tapegradMlp, tfjsMatmul, tfjsMlp, type Workload } from './gpu_workloads.js';
import { writeResultsSection } from './results_section.js';

const QUICK = process.argv.includes('--quick');
const ROUNDS = { matmul: QUICK ? 3 : 7, mlp: QUICK ? 3 : 7 };

interface Row { workload: string; contender: string; ms: number; runs: number }

/** The gpu.js modes to time here: the available ones of webasm and headlessgl, with why not. */
function nodeModes(): { run: string[]; skipped: string[] } {
  const available = gpuModes();
  const run: string[] = [], skipped: string[] = [];
  for (const mode of ['webasm', 'headlessgl'] as const) {
    if (available[mode] === null) {
      registerGpuBackend(`bench-${mode}`, { mode, strict: true });
      run.push(mode);
    } else skipped.push(`${mode}: ${available[mode]}`);
  }
  return { run, skipped };
}

function checkMlpAgreement(modes: string[]): string {
  const steps = (w: Workload) => { const l = [w.run(), w.run(), w.run()]; w.dispose(); return l; };
  const reference = steps(tfjsMlp(tf));
  const lines = [`tfjs-cpu ${reference.map((v) => v.toFixed(5)).join(' ')}`];
  for (const backend of ['cpu', ...modes.map((m) => `bench-${m}`)]) {
    const ours = steps(tapegradMlp(backend));
    sameLosses(`MLP step on ${backend} vs tfjs-cpu`, ours, reference);
    lines.push(`tapegrad ${backend} ${ours.map((v) => v.toFixed(5)).join(' ')}`);
  }
  return lines.join('; ');
}

async function nodeRows(modes: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  const workloads: [string, number, (backend: string) => Workload, () => Workload][] = [
    [`matmul ${MATMUL_N}³`, ROUNDS.matmul, tapegradMatmul, () => tfjsMatmul(tf)],
    [`MLP ${GPU_MLP.sizes.join('-')} step, batch ${GPU_MLP.batch}`, ROUNDS.mlp, tapegradMlp, () => tfjsMlp(tf)],
  ];
  for (const [name, rounds, ours, theirs] of workloads) {
    const contenders: Record<string, Workload> = { 'tapegrad cpu': ours('cpu'), 'tfjs-cpu': theirs() };
    for (const mode of modes) contenders[`tapegrad gpu.js ${mode}`] = ours(`bench-${mode}`);
    const times = await interleave(contenders, rounds);
    for (const [contender, t] of Object.entries(times)) {
      rows.push({ workload: name, contender, ms: median(t), runs: t.length });
      console.log(`${name.padEnd(34)} ${contender.padEnd(26)} ${median(t).toFixed(1).padStart(8)} ms`);
    }
    Object.values(contenders).forEach((w) => w.dispose());
  }
  return rows;
}

function nodeTable(rows: Row[]): string {
  const lines = ['| workload | contender | median | ÷ tapegrad cpu | ÷ tfjs-cpu |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const of = (c: string) => rows.find((x) => x.workload === r.workload && x.contender === c)!.ms;
    lines.push(`| ${r.workload} | ${r.contender} | ${r.ms.toFixed(1)} ms (${r.runs} runs) | ${(r.ms / of('tapegrad cpu')).toFixed(2)} | ${(r.ms / of('tfjs-cpu')).toFixed(2)} |`);
  }
  return lines.join('\n');
}

function browserTable(result: BrowserBenchResult): string {
  const lines = ['| workload | tapegrad gpu.js webgl2 | tfjs-backend-webgl | tapegrad ÷ tfjs |', '|---|---|---|---|'];
  for (const r of result.rows) {
    lines.push(`| ${r.workload} | ${r.ours.toFixed(1)} ms | ${r.theirs.toFixed(1)} ms | **${(r.ours / r.theirs).toFixed(2)}** |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  await tf.setBackend('cpu');
  const { run: modes, skipped } = nodeModes();
  console.log(`gpu bench: Node modes ${modes.join(', ') || 'none'}${skipped.length ? ` (skipped: ${skipped.join('; ')})` : ''}`);
  const agreement = checkMlpAgreement(modes);
  console.log(`  check ok: MLP losses over 3 steps: ${agreement}`);
  const rows = await nodeRows(modes);
  const infos = modes.map((m) => { const i = backendInfo(`bench-${m}`); return `${m}: mode ${i.mode}, kernel classes ${Object.keys(i.kernelClasses).join('/')}, fallbacks ${i.fallbacks.length}`; });

  let browser: BrowserBenchResult | string;
  try {
    browser = await runBrowserBench({ quick: QUICK });
    for (const r of browser.rows) console.log(`chromium ${r.workload.padEnd(34)} tapegrad webgl2 ${r.ours.toFixed(1)} ms, tfjs-webgl ${r.theirs.toFixed(1)} ms: ratio ${(r.ours / r.theirs).toFixed(2)}`);
  } catch (e) {
    browser = `skipped: ${(e as Error).message}`;
    console.log(`chromium: ${browser}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const section = [
    '## gpu.js backend (`npm run bench:gpu`, under `xvfb-run -a` for headlessgl)',
    '',
    `Written on ${new Date().toISOString()}: ${os.cpus()[0]?.model ?? 'CPU'} × ${os.cpus().length}, no GPU. Every "GPU" here is a software one (gpu.js webasm; headless-gl on Mesa llvmpipe; Chromium's SwiftShader), so only ratios between libraries on the same substrate mean anything. Medians of interleaved runs after a warm-up; each run reads its result back. ${QUICK ? '(--quick)' : ''}`,
    '',
    `### Node (modes run: ${modes.join(', ') || 'none'}${skipped.length ? `; skipped: ${skipped.join('; ')}` : ''})`,
    '',
    nodeTable(rows),
    '',
    `- what really ran: ${infos.join('; ') || 'no gpu.js mode'}`,
    `- check before timing, MLP losses over 3 steps from the same start: ${agreement}`,
    '',
    '### Chromium (headless, --use-angle=swiftshader): tapegrad gpu.js webgl2 vs tfjs-backend-webgl on one page',
    '',
    typeof browser === 'string' ? browser : `${browserTable(browser)}\n\n- ${targetLine(browser)}\n- ${browser.notes.join('\n- ')}`,
    '',
    `Total time ${seconds.toFixed(0)} s.`,
  ].join('\n');
  console.log(`wrote ${writeResultsSection('gpu', section)}`);
}

/** Issue #3's target: our webgl2 matmul and MLP step within 2× of tfjs-webgl on the same page. */
function targetLine(browser: BrowserBenchResult): string {
  const ratios = browser.rows.map((r) => `${r.workload} ${(r.ours / r.theirs).toFixed(2)}×`);
  const met = browser.rows.every((r) => r.ours / r.theirs <= 2);
  return `target, webgl2 within 2× of tfjs-webgl on the same page: ${ratios.join(', ')}, ${met ? 'met' : 'NOT met'} (before the texel matmul of core/gpu/matmul_texels.ts: 16.1× and 11.2×)`;
}

await main();
