// tidy is synchronous: it owns the tensors made while fn runs and disposes them when fn returns.
// An async fn returns at its first await, so tidy would free too early and miss what comes after
// (it leaked); such a fn is refused with an error naming tidy, and what it made before the await
// is freed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertThrows } from '../helpers.js';

test('tidy refuses an async fn, naming tidy, and frees what fn made before its first await', async () => {
  const before = tg.memory().tensors;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  let continued = false;
  try {
    assertThrows(() => tg.tidy(async () => {
      const a = tg.ones([4]).mul(2);
      await new Promise((resolve) => setTimeout(resolve, 1));
      continued = true;
      return a.data(); // a was freed when tidy refused fn: this throws
    }), 'tidy', 'Promise', 'synchronous');
    assert.is(tg.memory().tensors, before);
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.ok(continued, 'the abandoned async fn ran on');
  assert.equal(unhandled, [], 'its failure on the freed tensor is not left as an unhandled rejection');
  assert.is(tg.memory().tensors, before);
});

test('tidy refuses a returned thenable of any kind, and a fn that is not a function', () => {
  assertThrows(() => tg.tidy(() => ({ then: () => undefined })), 'tidy', 'Promise');
  assertThrows(() => tg.tidy(5 as never), 'tidy', 'expected a function', '5');
  assertThrows(() => tg.tidy({} as never), 'tidy', 'expected a function', 'an object');
});

test('synchronous tidy is unchanged: returned tensors survive, the rest is freed', () => {
  const before = tg.memory().tensors;
  const kept = tg.tidy(() => {
    tg.ones([3]).mul(5);
    return tg.ones([2]).add(1);
  });
  assert.equal(Array.from(kept.data()), [2, 2]);
  assert.is(tg.memory().tensors, before + 1);
  kept.dispose();
});

test.run();
