// A student's activation in the playground (issue 17's target): tutorial 2's SoftClip, listed in
// examples/web/your_activations.ts, is in the menu under "Yours" and trains in the page's trainer
// with one curve per neuron; importing the tutorial must not run it (it trains when run). That it
// trains on WebGL2 in chromium is in playground.test.ts, with the built-in learnable activations.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const trainer = suite('your activations in the playground trainer (cpu)');

trainer('SoftClip is in the menu under "Yours" and importing its file runs nothing', async () => {
  const { ACTIVATIONS, ACTIVATION_KIND } = await import('../../examples/web/trainer.js');
  assert.is(ACTIVATIONS.softclip, 'SoftClip (tutorial 2)');
  assert.is(ACTIVATION_KIND.softclip, 'Yours');
  assert.is(ACTIVATION_KIND.deu, 'Learnable', 'the built-in groups are unchanged');
  const tg = await import('../../index.js');
  assert.ok(tg.listOps().some((op) => op.name === 'softClip' && op.custom), 'the import defines the op');
});

trainer('importing the tutorial (as the page does) defines SoftClip and runs none of its checks', () => {
  const url = pathToFileURL(resolve('examples/tutorials/02_your_own_activation.ts')).href;
  const code = `const m = await import(${JSON.stringify(url)}); console.log(m.playground.label, typeof m.softClip, typeof m.SoftClip);`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  assert.is(result.status, 0, result.stderr);
  assert.is(result.stdout, 'SoftClip (tutorial 2) function function\n', 'no ✓ lines: the gradcheck, training and plot did not run');
});

trainer('a session with SoftClip trains, draws one curve per neuron, exports c per layer, and frees everything', async () => {
  const tg = await import('../../index.js');
  const { Session, DEFAULT_CONFIG } = await import('../../examples/web/trainer.js');
  const before = tg.memory('cpu').tensors;
  const s = new Session({ ...DEFAULT_CONFIG, task: 'circles', activation: 'softclip', width: 6, depth: 2, optimizer: 'adam', lr: 0.02 });
  const first = s.train(1);
  const last = s.train(80);
  assert.ok(last < 0.8 * first, `loss ${first} → ${last}`);
  const curves = s.activationCurves(Session.curveInputs(11));
  assert.equal(curves.map((c) => c.curves.length), [6, 6], 'one curve per neuron in each hidden layer');
  const { tensors } = tg.nn.decodeSafetensors(s.exportSafetensors());
  assert.ok(['1.c', '3.c'].every((name) => tensors[name]?.shape[0] === 6), `exported ${Object.keys(tensors)}`);
  for (const t of Object.values(tensors)) t.dispose();
  s.dispose();
  assert.is(tg.memory('cpu').tensors, before, 'live tensors after dispose');
});

trainer.run();
