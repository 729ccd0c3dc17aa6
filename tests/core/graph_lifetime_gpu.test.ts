// Graph lifetime on the gpu.js backend, in every mode that runs here (cpu and webasm in Node,
// headlessgl under xvfb-run): 5,000 forward passes that are never backpropagated leave live
// tensors, device bytes and RSS where they were (see lifetime_workload.ts).
import { test } from 'uvu';
import { modeCases } from '../gpu/modes.js';
import { assertForwardPassesLeaveNothing } from './lifetime_workload.js';

for (const c of modeCases('lifetime')) {
  const name = `5,000 forward-only passes (MLP + DEU + PAU; train and eval; in and out of tidy) on gpu.js mode ${c.mode}: live tensors, bytes and RSS flat`;
  if (c.skip !== null) {
    console.log(`skipped: graph lifetime in mode ${c.mode}: ${c.skip}`);
    test.skip(`${name} (skipped: ${c.skip})`, () => {});
    continue;
  }
  test(name, async () => {
    await assertForwardPassesLeaveNothing(c.backend, 5000);
  });
}

test.run();
