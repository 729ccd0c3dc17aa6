// Where a command writes: the process's streams by default, anything with write() in tests.
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr });

export function println(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}
