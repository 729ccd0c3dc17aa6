// Node's file system, imported lazily through a variable (as nn/safetensors_file.ts does), so
// that a browser bundle of fit, which never touches files unless asked to, still builds.
type Fs = typeof import('node:fs/promises');
type PathModule = typeof import('node:path');
const FS = 'node:fs/promises';
const PATH = 'node:path';

export async function nodeFiles(): Promise<{ fs: Fs; path: PathModule }> {
  const [fs, path] = await Promise.all([import(FS) as Promise<Fs>, import(PATH) as Promise<PathModule>]);
  return { fs, path };
}

/** The file's text, or null if it does not exist (any other failure is thrown). */
export async function readTextIfExists(file: string): Promise<string | null> {
  const { fs } = await nodeFiles();
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
