// Your own activations in the playground's menu (group "Yours"), next to the built-in ones. A file
// that defines an activation exports an entry { label, make(width), perNeuron } — as tutorial 2
// does — and is listed here; `npm run demo` rebuilds the page with it, and it trains on WebGL like
// DEU or PAU. The file must not use Node at module level (the page bundles it): run-only code goes
// under a main guard, as in examples/tutorials/02_your_own_activation.ts.
import type * as tg from '../../index.js';
import { playground as softClip } from '../tutorials/02_your_own_activation.js';

export interface PlaygroundActivation {
  /** The menu's text. */
  label: string;
  /** A layer for `width` neurons (the playground's MLP puts one after each hidden Linear). */
  make: (width: number) => tg.nn.Module;
  /** Draw one curve per neuron (true) or one for the layer (false). */
  perNeuron: boolean;
}

export const YOUR_ACTIVATIONS = {
  softclip: softClip,
} satisfies Record<string, PlaygroundActivation>;
