// withGenerator: every draw made while fn runs (rand, randn, randint, dropout masks, RPAU noise)
// comes from the given generator; the global one (manualSeed) is neither used nor moved.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { currentGenerator, Generator, withGenerator } from '../../core/rng.js';
import { assertThrows } from '../helpers.js';

const draw = () => Array.from(tg.rand([5]).data());

test('draws inside withGenerator come from that generator; the global stream is untouched', () => {
  tg.manualSeed(11);
  const globalAlone = draw();
  const ownAlone = withGenerator(new Generator(99), draw);

  tg.manualSeed(11);
  const own = new Generator(99);
  const first = withGenerator(own, draw);
  const global = draw();
  assert.equal(first, ownAlone);
  assert.equal(global, globalAlone, 'the global generator did not move');
  assert.not.equal(withGenerator(own, draw), first, 'the generator keeps its own position');
});

test('dropout masks and randn follow the installed generator', () => {
  const dropout = new tg.nn.Dropout(0.5);
  const x = tg.ones([64]);
  const masks = (seed: number) => withGenerator(new Generator(seed), () => [Array.from(dropout.forward(x).data()), Array.from(tg.randn([3]).data())]);
  tg.manualSeed(1);
  const a = masks(5);
  tg.manualSeed(2);
  const b = masks(5);
  assert.equal(a, b, 'the same generator gives the same masks whatever the global seed');
});

test('the previous generator is back after fn returns or throws', () => {
  const outer = currentGenerator();
  assert.throws(() => withGenerator(new Generator(1), () => {
    throw new Error('boom');
  }), /boom/);
  assert.is(currentGenerator(), outer);
  withGenerator(new Generator(1), () => withGenerator(new Generator(2), () => undefined));
  assert.is(currentGenerator(), outer);
});

test('withGenerator refuses an async fn and a generator that is not one', async () => {
  const outer = currentGenerator();
  assertThrows(() => withGenerator(new Generator(1), async () => 1), 'withGenerator', 'Promise');
  assert.is(currentGenerator(), outer);
  assertThrows(() => withGenerator({} as never, () => 1), 'withGenerator', 'expected a Generator');
});

test.run();
