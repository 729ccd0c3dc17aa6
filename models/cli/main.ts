// The tapegrad command line: `tapegrad <command> [options]`. main() returns the exit code
// instead of exiting, so tests can call it: 0 on success, 2 for a usage error (an unknown
// command, option or choice, a bad number), 1 when the work itself fails (a missing data
// package, a checkpoint of another model...).
import { evalCommand, EVAL_HELP } from './commands/eval.js';
import { plotCommand, PLOT_HELP } from './commands/plot.js';
import { trainCommand, TRAIN_HELP } from './commands/train.js';
import { UsageError } from './args.js';
import { println, processIo, type Io } from './io.js';

export const COMMANDS = {
  train: { run: trainCommand, help: TRAIN_HELP, summary: 'train a model of the zoo on a dataset' },
  eval: { run: evalCommand, help: EVAL_HELP, summary: "evaluate a checkpoint on its run's test set" },
  plot: { run: plotCommand, help: PLOT_HELP, summary: 'draw learned activations and training curves as SVG' },
} as const;

export type CommandName = keyof typeof COMMANDS;

export const USAGE = `usage: tapegrad <command> [options]

commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`).join('\n')}

Run 'tapegrad <command> --help' for a command's options, e.g.
  tapegrad train --model mlp --dataset mnist --epochs 1
  tapegrad eval --checkpoint runs/mlp-relu-mnist/model.safetensors
  tapegrad plot --checkpoint runs/mlp-relu-mnist/model.safetensors
`;

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (command === undefined) {
    io.stderr.write(USAGE);
    return 2;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    println(io.stderr, `tapegrad: unknown command '${command}'; choose one of ${Object.keys(COMMANDS).join(', ')} (tapegrad --help)`);
    return 2;
  }
  const name = command as CommandName;
  try {
    await COMMANDS[name].run(rest, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      println(io.stderr, error.message);
      println(io.stderr, `(tapegrad ${name} --help lists the options)`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    println(io.stderr, `tapegrad ${name}: ${message}`);
    if (process.env.TAPEGRAD_DEBUG && error instanceof Error && error.stack) println(io.stderr, error.stack);
    return 1;
  }
}
