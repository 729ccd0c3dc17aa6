// Module: registration by assignment, PyTorch's names, traversal, train/eval, zeroGrad, apply,
// numParameters, printing, and moving between dtypes and backends.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { gpuModes, registerGpuBackend } from '../../core/gpu/index.js';
import { assertClose, assertThrows } from '../helpers.js';

const { nn } = tg;

class Block extends nn.Module {
  conv = new nn.Conv2d(1, 2, 3);
  batchNorm = new nn.BatchNorm2d(2);
  forward(x: Tensor): Tensor {
    return this.batchNorm.forward(this.conv.forward(x));
  }
}

class Net extends nn.Module {
  features = new nn.Sequential(new Block(), new nn.ReLU(), new nn.Flatten());
  fcOut = new nn.Linear(8, 3);
  scale = new nn.Parameter(tg.ones([1]));
  forward(x: Tensor): Tensor {
    return this.fcOut.forward(this.features.forward(x)).mul(this.scale);
  }
}

test('namedParameters gives PyTorch dotted names, in declaration order, camelCase as snake_case', () => {
  const net = new Net();
  // a module's own parameters come first, then its children's, depth first (PyTorch's order)
  assert.equal(net.namedParameters().map(([n]) => n), [
    'scale',
    'features.0.conv.weight', 'features.0.conv.bias', 'features.0.batch_norm.weight', 'features.0.batch_norm.bias',
    'fc_out.weight', 'fc_out.bias',
  ]);
  assert.equal(net.namedParameters({ recurse: false }).map(([n]) => n), ['scale']);
  assert.equal(net.namedBuffers().map(([n]) => n), ['features.0.batch_norm.running_mean', 'features.0.batch_norm.running_var', 'features.0.batch_norm.num_batches_tracked']);
  assert.equal(net.namedChildren().map(([n]) => n), ['features', 'fc_out']);
  assert.ok(net.parameters().every((p) => p instanceof nn.Parameter && p.requiresGrad && p.isLeaf));
});

test('the reported names of a plain Sequential are positions: 0.weight, 2.0.bias', () => {
  const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Sequential(new nn.Linear(3, 1)));
  assert.equal(seq.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '2.0.weight', '2.0.bias']);
  assert.equal(seq.namedModules().map(([n]) => n), ['', '0', '1', '2', '2.0']);
  assert.is(seq.length, 3);
  assert.ok(seq.at(-1) instanceof nn.Sequential);
  assertThrows(() => seq.at(3), 'Sequential.at', 'index 3');
});

test('ModuleList and ModuleDict register their modules under positions and keys', () => {
  class Heads extends nn.Module {
    layers = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
    heads = new nn.ModuleDict({ classify: new nn.Linear(2, 3), regress: new nn.Linear(2, 1) });
    forward(x: Tensor): Tensor {
      let h = x;
      for (const layer of this.layers) h = layer.forward(h).relu();
      return this.heads.get('classify').forward(h);
    }
  }
  const m = new Heads();
  assert.equal(m.namedParameters().map(([n]) => n), [
    'layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias',
    'heads.classify.weight', 'heads.classify.bias', 'heads.regress.weight', 'heads.regress.bias',
  ]);
  assert.equal(m.forward(tg.randn([4, 2])).shape, [4, 3]);
  m.layers.append(new nn.Linear(2, 2));
  m.heads.set('extra', new nn.Identity());
  assert.equal(m.heads.keys(), ['classify', 'regress', 'extra']);
  assert.is(m.numParameters(), 3 * 6 + 9 + 3);
  assertThrows(() => m.layers.forward(), 'ModuleList', 'iterate');
  assertThrows(() => m.heads.get('nope'), 'ModuleDict.get', "'nope'", 'classify');
  assertThrows(() => m.heads.set('a.b', new nn.ReLU()), 'ModuleDict.set', "'.'");
  // keys that are method names are fine: the modules do not live in properties
  m.heads.set('forward', new nn.ReLU());
  assert.ok(m.heads.has('forward'));
});

test('a tied weight is one parameter: listed and counted once, saved under both names', () => {
  const a = new nn.Linear(3, 3);
  const b = new nn.Linear(3, 3);
  b.weight = a.weight;
  const pair = new nn.Sequential(a, b);
  assert.equal(pair.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '1.bias']);
  assert.is(pair.numParameters(), 9 + 3 + 3);
  assert.equal(Object.keys(pair.stateDict()), ['0.weight', '0.bias', '1.weight', '1.bias']);
});

test('a shared child is visited once by namedModules, as PyTorch', () => {
  const shared = new nn.Linear(2, 2);
  const seq = new nn.Sequential(shared, new nn.ReLU(), shared);
  assert.equal(seq.namedModules().map(([n]) => n), ['', '0', '1']);
  assert.is(seq.parameters().length, 2);
});

test('train() and eval() reach every descendant and return the module', () => {
  const net = new Net();
  assert.ok(net.modules().every((m) => m.training));
  assert.is(net.eval(), net);
  assert.ok(net.modules().every((m) => !m.training));
  net.train();
  assert.ok(net.modules().every((m) => m.training));
  net.features.train(false);
  assert.ok(net.training && !net.features.at(0).training);
  assertThrows(() => net.train('yes' as unknown as boolean), 'train', 'boolean');
});

test('zeroGrad drops gradients (default) or fills them with zeros', () => {
  const lin = new nn.Linear(2, 2);
  lin.forward(tg.ones([1, 2])).sum().backward();
  assert.ok(lin.weight.grad !== null);
  lin.zeroGrad({ setToNone: false });
  assertClose(lin.weight.grad!.toArray(), [[0, 0], [0, 0]]);
  lin.zeroGrad();
  assert.is(lin.weight.grad, null);
  assert.is(lin.bias!.grad, null);
});

test('apply visits children before their parent, like PyTorch', () => {
  const net = new nn.Sequential(new nn.Linear(1, 1), new nn.Sequential(new nn.ReLU()));
  const seen: string[] = [];
  assert.is(net.apply((m) => seen.push(m.typeName)), net);
  assert.equal(seen, ['Linear', 'ReLU', 'Sequential', 'Sequential']);
  // a typical use: re-initialise every Linear
  net.apply((m) => {
    if (m instanceof nn.Linear) nn.init.constant_(m.weight, 0.5);
  });
  assertClose((net.at(0) as InstanceType<typeof nn.Linear>).weight.toArray(), [[0.5]]);
});

test('numParameters counts scalars; trainableOnly skips frozen parameters', () => {
  const net = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2, { bias: false }));
  assert.is(net.numParameters(), 4 * 3 + 3 + 3 * 2);
  (net.at(0) as InstanceType<typeof nn.Linear>).weight.requiresGrad = false;
  assert.is(net.numParameters({ trainableOnly: true }), 3 + 6);
});

test('toString prints the tree as PyTorch does', () => {
  const seq = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Dropout(0.1));
  assert.is(seq.toString(), [
    'Sequential(',
    '  (0): Linear(inFeatures=2, outFeatures=16, bias=true)',
    '  (1): ReLU()',
    '  (2): Dropout(p=0.1)',
    ')',
  ].join('\n'));
});

test('mistakes PyTorch lets pass are errors: modules in a plain array, a bare tensor requiring grad, clashing names', () => {
  class InArray extends nn.Module {
    layers = [new nn.Linear(1, 1)];
    forward(x: Tensor) {
      return x;
    }
  }
  assertThrows(() => new InArray().parameters(), 'InArray', "'layers'", 'ModuleList');
  class Bare extends nn.Module {
    w = tg.randn([2], { requiresGrad: true });
    forward(x: Tensor) {
      return x.mul(this.w);
    }
  }
  assertThrows(() => new Bare().parameters(), 'Bare', "'w'", 'new Parameter');
  class Clash extends nn.Module {
    fooBar = new nn.Linear(1, 1);
    foo_bar = new nn.Linear(1, 1);
    forward(x: Tensor) {
      return x;
    }
  }
  assertThrows(() => new Clash().stateDict(), 'Clash', "'fooBar'", "'foo_bar'");
  // a tensor that does not require grad is just data (a cache, a constant)
  class Cached extends nn.Module {
    constant = tg.ones([2]);
    forward(x: Tensor) {
      return x.add(this.constant);
    }
  }
  assert.is(new Cached().parameters().length, 0);
});

test('registerBuffer: persistent buffers are saved, non-persistent ones are not; both move', () => {
  class WithBuffers extends nn.Module {
    kept: Tensor;
    scratch: Tensor;
    constructor() {
      super();
      this.kept = this.registerBuffer('kept', tg.ones([2]));
      this.scratch = this.registerBuffer('scratch', tg.zeros([2]), { persistent: false });
    }
    forward(x: Tensor) {
      return x;
    }
  }
  const m = new WithBuffers();
  assert.equal(m.namedBuffers().map(([n]) => n), ['kept', 'scratch']);
  assert.equal(Object.keys(m.stateDict()), ['kept']);
  m.to('float64');
  assert.is(m.scratch.dtype, 'float64');
  assert.is(m.kept.dtype, 'float64');
  assertThrows(() => m.registerBuffer('p', new nn.Parameter(tg.ones([1]))), 'registerBuffer', 'Parameter');
});

test('parameters and buffers outlive the tidy they were built in, like tf.Variable', () => {
  const before = tg.memory().tensors;
  const net = tg.tidy(() => new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2)));
  assert.ok(net.parameters().every((p) => !p.isDisposed));
  assert.ok(net.buffers().every((b) => !b.isDisposed));
  const live = 4 + 3; // Linear weight, bias; BatchNorm weight, bias; three buffers
  assert.is(tg.memory().tensors - before, live);
  net.dispose();
  assert.is(tg.memory().tensors, before);
});

test('to(dtype) casts in place, keeps requiresGrad, ties and gradients, and frees the old tensors', () => {
  const a = new nn.Linear(2, 2);
  const b = new nn.Linear(2, 2);
  b.weight = a.weight;
  const net = new nn.Sequential(a, b);
  a.bias!.requiresGrad = false;
  net.forward(tg.ones([1, 2])).sum().backward();
  const old = a.weight;
  assert.is(net.to('float64'), net);
  assert.ok(old.isDisposed);
  assert.is(a.weight, b.weight);
  assert.ok(net.parameters().every((p) => p.dtype === 'float64' && p instanceof nn.Parameter));
  assert.is(a.weight.grad!.dtype, 'float64');
  assert.is(a.bias!.requiresGrad, false);
  assert.is(net.forward(tg.ones([1, 2], { dtype: 'float64' })).dtype, 'float64');
  net.float();
  assert.is(a.weight.dtype, 'float32');
  assertThrows(() => net.to('tpu'), 'Sequential.to', "'float32'", 'cpu', '"tpu"');
});

test('to(backend) moves every parameter and buffer; the model computes the same there', () => {
  const skip = gpuModes().cpu;
  if (skip) {
    console.log(`skipped: module.to(gpu): gpu.js cpu mode unavailable: ${skip}`);
    return;
  }
  registerGpuBackend('nn-move', { mode: 'cpu', strict: true });
  tg.manualSeed(1);
  const net = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Tanh(), new nn.Linear(4, 2));
  const x = tg.randn([5, 3]);
  const expected = net.forward(x).toArray();
  net.to('nn-move');
  assert.ok([...net.parameters(), ...net.buffers()].every((t) => t.backend.name === 'nn-move'));
  assert.ok(net.parameters().every((p) => p.requiresGrad));
  const y = net.forward(x.toBackend('nn-move'));
  assertClose(y.toArray(), expected, 1e-5, 1e-4);
  y.sum().backward();
  assert.ok(net.parameters().every((p) => p.grad !== null && p.grad.backend.name === 'nn-move'));
  net.to('cpu');
  assert.ok(net.parameters().every((p) => p.backend.name === 'cpu'));
});

test('functionalCall runs forward with substituted tensors and puts the originals back', () => {
  const lin = new nn.Linear(2, 1);
  const original = lin.weight;
  const w = tg.tensor([[1, 10]]);
  const b = tg.tensor([100]);
  const y = nn.functionalCall<Tensor>(lin, { weight: w, bias: b }, tg.tensor([[2, 3]]));
  assertClose(y.toArray(), [[132]]);
  assert.is(lin.weight, original);
  const bn = new nn.BatchNorm1d(2).eval();
  const z = nn.functionalCall<Tensor>(bn, { running_mean: tg.tensor([1, 1]), running_var: tg.tensor([4, 4]) }, tg.tensor([[3, 5]]));
  assertClose(z.toArray(), [[2 / Math.sqrt(4 + 1e-5), 4 / Math.sqrt(4 + 1e-5)]], 1e-6);
  assertThrows(() => nn.functionalCall(lin, { wieght: w }, tg.ones([1, 2])), 'functionalCall(Linear)', "'wieght'", "'weight', 'bias'");
});

test.run();
