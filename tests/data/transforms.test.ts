// Batch transforms on NCHW host batches: normalise per channel, random crop with padding
// (shape kept, content a shifted window), random rotation (0° is the identity, 90° with nearest
// sampling is transpose + flip, as numpy's rot90), and reproducibility from the generator.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const { normalise, randomCrop, randomRotation, compose } = tg.data;
type HostBatch = tg.data.HostBatch;

const rng = (seed = 0) => new tg.Generator(seed);
const batchArb = fc
  .record({ n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }) })
  .chain(({ n, c, h, w }) => fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: n * c * h * w, maxLength: n * c * h * w })
    .map((values): HostBatch => ({ data: Float32Array.from(values), shape: [n, c, h, w] })));

test('normalise subtracts the mean and divides by the std of each channel', () => {
  const batch = { data: Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]), shape: [1, 2, 2, 2] };
  const out = normalise([2, 20], [0.5, 10])(batch, rng());
  assertClose(Array.from(out.data), [-2, 0, 2, 4, -1, 0, 1, 2]);
  assertClose(Array.from(normalise(0.1307, 0.3081)({ data: Float32Array.from([0.1307]), shape: [1, 1, 1, 1] }, rng()).data), [0]);
  assertThrows(() => normalise([0, 0, 0], [1, 1, 1])(batch, rng()), 'normalise', '3 values for 2 channels');
  assertThrows(() => normalise(0, 0), 'normalise', 'std must be positive');
});

test('randomCrop(H, padding 4) keeps the shape, and each image is a shifted window of the padded one', () => {
  fc.assert(fc.property(batchArb, fc.nat(), (batch, seed) => {
    const [n, c, h, w] = batch.shape;
    const out = randomCrop([h, w], { padding: 4 })(batch, rng(seed));
    assert.equal(out.shape, batch.shape);
    const at = (d: ArrayLike<number>, s: number, ch: number, i: number, j: number) => (i >= 0 && i < h && j >= 0 && j < w ? d[((s * c + ch) * h + i) * w + j] : 0);
    for (let s = 0; s < n; s++) {
      let found = false;
      for (let dy = -4; dy <= 4 && !found; dy++) {
        for (let dx = -4; dx <= 4 && !found; dx++) {
          let ok = true;
          for (let ch = 0; ch < c && ok; ch++) for (let i = 0; i < h && ok; i++) for (let j = 0; j < w && ok; j++) ok = at(out.data, s, ch, i, j) === at(batch.data, s, ch, i + dy, j + dx);
          found = ok;
        }
      }
      assert.ok(found, `sample ${s} is not a shifted window`);
    }
  }), { numRuns: 50 });
});

test('randomCrop without padding at full size is the identity; a smaller crop has the crop size', () => {
  const batch = { data: Float32Array.from({ length: 2 * 3 * 5 * 4 }, (_, i) => i), shape: [2, 3, 5, 4] };
  assert.equal(Array.from(randomCrop([5, 4], { padding: 0 })(batch, rng()).data), Array.from(batch.data));
  assert.equal(randomCrop(3, { padding: 0 })(batch, rng()).shape, [2, 3, 3, 3]);
  assertThrows(() => randomCrop(20)(batch, rng()), 'randomCrop', 'larger than the padded image');
  assertThrows(() => randomCrop(3)({ data: new Float32Array(9), shape: [3, 3] }, rng()), 'randomCrop', 'NCHW');
});

test('rotation by 0° is the identity (nearest and bilinear)', () => {
  fc.assert(fc.property(batchArb, (batch) => {
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      const out = randomRotation([0, 0], { interpolation })(batch, rng());
      assertClose(Array.from(out.data), Array.from(batch.data), 1e-6, 0);
    }
  }), { numRuns: 40 });
});

test('rotation by 90° with nearest sampling equals transpose(H, W) then flip(H), i.e. rot90', () => {
  const squareArb = fc.record({ n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 2 }), size: fc.integer({ min: 1, max: 8 }) })
    .chain(({ n, c, size }) => fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: n * c * size * size, maxLength: n * c * size * size })
      .map((values): HostBatch => ({ data: Float32Array.from(values), shape: [n, c, size, size] })));
  fc.assert(fc.property(squareArb, (square) => {
    const x = tg.tensor(square.data, { shape: square.shape });
    const expected = tg.flip(tg.transpose(x, 2, 3), [2]);
    const out = randomRotation([90, 90])(square, rng());
    assert.equal(Array.from(out.data), Array.from(expected.data()));
    const bilinear = randomRotation([90, 90], { interpolation: 'bilinear' })(square, rng());
    assertClose(Array.from(bilinear.data), Array.from(expected.data()), 1e-5, 0);
    x.dispose();
    expected.dispose();
  }), { numRuns: 40 });
  // by hand: [[1, 2], [3, 4]] turned counter-clockwise is [[2, 4], [1, 3]]
  const out = randomRotation([90, 90])({ data: Float32Array.from([1, 2, 3, 4]), shape: [1, 1, 2, 2] }, rng());
  assert.equal(Array.from(out.data), [2, 4, 1, 3]);
});

test('rotation fills what comes from outside, and bilinear blends neighbours', () => {
  const ones = { data: new Float32Array(25).fill(1), shape: [1, 1, 5, 5] };
  const turned = randomRotation([45, 45], { fill: -1 })(ones, rng());
  assert.is(turned.data[0], -1, 'the corner comes from outside the image');
  assert.is(turned.data[12], 1, 'the centre stays');
  const soft = randomRotation([30, 30], { interpolation: 'bilinear' })(ones, rng());
  assert.ok(Array.from(soft.data).some((v) => v > 0 && v < 1), 'edge pixels mix image and fill');
});

test('random transforms are reproducible from the generator, and draw per sample', () => {
  const batch = { data: Float32Array.from({ length: 4 * 1 * 6 * 6 }, (_, i) => i % 17), shape: [4, 1, 6, 6] };
  const augment = compose(randomCrop(6, { padding: 2 }), randomRotation(30, { interpolation: 'bilinear' }));
  assert.equal(Array.from(augment(batch, rng(9)).data), Array.from(augment(batch, rng(9)).data));
  assert.not.equal(Array.from(augment(batch, rng(10)).data), Array.from(augment(batch, rng(9)).data));
  assertThrows(() => randomRotation([10, -10]), 'randomRotation', 'min ≤ max');
  assertThrows(() => randomRotation(10, { interpolation: 'cubic' as 'nearest' }), 'randomRotation', "'nearest' or 'bilinear'");
});

test('a DataLoader applies its transform to NCHW MNIST-shaped batches', () => {
  const ds = tg.data.makeDataset({ x: Float32Array.from({ length: 6 * 784 }, (_, i) => (i % 784) / 784), sampleShape: [1, 28, 28], y: new Float32Array(6), classes: 10 });
  const loader = new tg.data.DataLoader(ds, { batchSize: 4, transform: compose(randomCrop(28), normalise(0.1307, 0.3081)) });
  const shapes = Array.from(loader, ({ x }) => x.shape);
  assert.equal(shapes, [[4, 1, 28, 28], [2, 1, 28, 28]]);
});

test.run();
