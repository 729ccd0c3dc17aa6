// Chainable methods (x.add(y).relu().sum()), attached to Tensor here because core must not
// import ops. Each method is the function of the same name with the tensor as first argument.
import { Tensor } from '../core/tensor.js';
import * as activation from './activation.js';
import * as binary from './binary.js';
import * as compare from './compare.js';
import { cumsum } from './cumsum.js';
import { outer } from './einsum.js';
import * as indexing from './indexing.js';
import * as loss from './loss.js';
import * as matmul from './matmul.js';
import * as reduce from './reduce.js';
import * as shape from './shape.js';
import * as softmax from './softmax.js';
import * as unary from './unary.js';
import type { TensorLike } from './util.js';

type Rest<F> = F extends (x: never, ...rest: infer R) => unknown ? R : never;
type Method<F> = F extends (...args: never[]) => infer R ? (...args: Rest<F>) => R : never;

declare module '../core/tensor.js' {
  interface Tensor {
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    atan2(b: TensorLike): Tensor;
    eq(b: TensorLike): Tensor;
    ne(b: TensorLike): Tensor;
    lt(b: TensorLike): Tensor;
    le(b: TensorLike): Tensor;
    gt(b: TensorLike): Tensor;
    ge(b: TensorLike): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    leakyRelu: Method<typeof unary.leakyRelu>;
    elu: Method<typeof unary.elu>;
    selu(): Tensor;
    celu: Method<typeof unary.celu>;
    softplus: Method<typeof unary.softplus>;
    silu(): Tensor;
    gelu: Method<typeof unary.gelu>;
    relu6(): Tensor;
    hardtanh: Method<typeof unary.hardtanh>;
    clamp: Method<typeof unary.clamp>;
    heaviside: Method<typeof unary.heaviside>;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    erf(): Tensor;
    erfc(): Tensor;
    asin(): Tensor;
    acos(): Tensor;
    atan(): Tensor;
    sinh(): Tensor;
    cosh(): Tensor;
    asinh(): Tensor;
    acosh(): Tensor;
    atanh(): Tensor;
    log2(): Tensor;
    log10(): Tensor;
    exp2(): Tensor;
    logsigmoid(): Tensor;
    hardsigmoid(): Tensor;
    hardswish(): Tensor;
    mish(): Tensor;
    softsign(): Tensor;
    tanhshrink(): Tensor;
    softshrink: Method<typeof unary.softshrink>;
    hardshrink: Method<typeof unary.hardshrink>;
    threshold: Method<typeof unary.threshold>;
    sum: Method<typeof reduce.sum>;
    mean: Method<typeof reduce.mean>;
    prod: Method<typeof reduce.prod>;
    max: Method<typeof reduce.max>;
    min: Method<typeof reduce.min>;
    argmax: Method<typeof reduce.argmax>;
    argmin: Method<typeof reduce.argmin>;
    var: Method<typeof reduce.variance>;
    std: Method<typeof reduce.std>;
    logsumexp: Method<typeof reduce.logsumexp>;
    norm: Method<typeof reduce.norm>;
    matmul(b: Tensor): Tensor;
    reshape: Method<typeof shape.reshape>;
    view: Method<typeof shape.reshape>;
    permute: Method<typeof shape.permute>;
    transpose: Method<typeof shape.transpose>;
    expand: Method<typeof shape.expand>;
    squeeze: Method<typeof shape.squeeze>;
    unsqueeze: Method<typeof shape.unsqueeze>;
    flatten: Method<typeof shape.flatten>;
    slice: Method<typeof shape.slice>;
    narrow: Method<typeof shape.narrow>;
    split: Method<typeof shape.split>;
    chunk: Method<typeof shape.chunk>;
    pad: Method<typeof shape.pad>;
    flip: Method<typeof shape.flip>;
    repeat: Method<typeof shape.repeat>;
    tile: Method<typeof shape.tile>;
    gather: Method<typeof indexing.gather>;
    scatterAdd: Method<typeof indexing.scatterAdd>;
    indexSelect: Method<typeof indexing.indexSelect>;
    softmax: Method<typeof softmax.softmax>;
    logSoftmax: Method<typeof softmax.logSoftmax>;
    softmin: Method<typeof activation.softmin>;
    glu: Method<typeof activation.glu>;
    cumsum: Method<typeof cumsum>;
    outer: Method<typeof outer>;
  }
}

const methods: Record<string, unknown> = {
  ...binary, ...compare, ...unary, ...reduce, ...shape, ...indexing, ...softmax, ...activation,
  var: reduce.variance,
  matmul: matmul.matmul,
  cumsum,
  outer,
};
const skip = new Set(['binary', 'unary', 'BINARY', 'COMPARISONS', 'where', 'concat', 'cat', 'stack', 'variance']);

for (const [name, fn] of Object.entries(methods)) {
  if (skip.has(name) || typeof fn !== 'function') continue;
  const f = fn as (x: Tensor, ...rest: unknown[]) => unknown;
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return f(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}

void loss;
