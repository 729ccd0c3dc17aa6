// The Neural-GODE paper's figure 2: how one kernel weight of the feature block varies over "time"
// t ∈ [0, 1] in the three models. The ResNet's block i owns [i/6, (i+1)/6), so its weight is a
// step function; the Neural-ODE's convolution is the same at every t (time enters as an extra
// input channel, not through the weights); the Neural-GODE's W(t) = Σ_i B_i(t) W_i is a B-spline
// curve (piecewise linear for k = 1). The weight shown is the centre tap of output channel 0,
// input channel 0, of the block's first convolution.
import * as tg from '../../index.js';
import type { ResBlock } from '../../models/gode/blocks.js';
import type { NeuralGODE, NeuralODE, ResNet } from '../../models/gode/index.js';
import { figure, type Point, type Series } from '../../models/plot/index.js';
import type { Module } from '../../nn/module.js';

const centre = (w: tg.Tensor): number => w.data()[4]; // [0, 0, 1, 1] of [out, in, 3, 3]

/** (t, weight) points of each model present, 201 samples of [0, 1]. */
export function weightCurves(models: Map<string, Module>): Map<string, Point[]> {
  const ts = Array.from({ length: 201 }, (_, i) => i / 200);
  const curves = new Map<string, Point[]>();
  tg.noGrad(() => {
    const resnet = models.get('resnet') as ResNet | undefined;
    if (resnet) {
      const blocks = [...resnet.blocks] as ResBlock[];
      const values = blocks.map((b) => centre(b.conv1.weight));
      curves.set('resnet', ts.map((t) => [t, values[Math.min(blocks.length - 1, Math.floor(t * blocks.length))]] as Point));
    }
    const node = models.get('node') as NeuralODE | undefined;
    if (node) {
      // input channel 0 of a ConcatConv is the time channel: the first feature channel is 1
      const v = node.func.conv1.layer.weight.data()[9 + 4];
      curves.set('node', ts.map((t) => [t, v] as Point));
    }
    const gode = models.get('gode') as NeuralGODE | undefined;
    if (gode) curves.set('gode', ts.map((t) => [t, tg.tidy(() => centre(gode.func.conv1.weightAt(t)))] as Point));
  });
  return curves;
}

export function figureTwo(models: Map<string, Module>, labels: Record<string, string>): string {
  const series: Series[] = [...weightCurves(models)].map(([name, points]) => ({ label: labels[name] ?? name, points }));
  return figure([{ title: 'one kernel weight over t (paper figure 2)', xLabel: 't', yLabel: 'W[0, 0, 1, 1](t)', series }], { columns: 1, panelWidth: 560, panelHeight: 320 });
}
