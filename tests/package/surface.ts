// The public module folders and where the package entry (index.ts) puts each one's exports:
// as a namespace (tg.nn.Linear) or at the top level (tg.fit). The README documents the same map.
import { readFileSync } from 'node:fs';

export interface PublicFolder {
  /** Folder under the repository root; its index.ts lists what it exports. */
  folder: string;
  /** The namespace of the package entry that holds its exports; '' for the top level. */
  namespace: string;
  /** Exports published under another name at the top level (to say which module they describe). */
  renamed?: Record<string, string>;
}

export const PUBLIC_FOLDERS: PublicFolder[] = [
  { folder: 'nn', namespace: 'nn' },
  { folder: 'optim', namespace: 'optim' },
  { folder: 'data', namespace: 'data' },
  { folder: 'models/ode', namespace: 'ode' },
  { folder: 'models/gode', namespace: 'gode' },
  { folder: 'models/zoo', namespace: 'zoo' },
  { folder: 'models/plot', namespace: 'plot' },
  { folder: 'models/training', namespace: '' },
  {
    folder: 'core/gpu', namespace: '',
    renamed: { MAX_ELEMENTS: 'GPU_MAX_ELEMENTS', AUTO_ORDER: 'GPU_AUTO_ORDER', CacheStats: 'GpuCacheStats' },
  },
];

/** Where a folder's export `name` is published: 'nn.Linear', 'fit', 'GPU_MAX_ELEMENTS'. */
export function publishedPath({ namespace, renamed }: PublicFolder, name: string): string {
  const published = renamed?.[name] ?? name;
  return namespace === '' ? published : `${namespace}.${published}`;
}

/**
 * The type-only exports of a folder's index.ts (`type X` in an export list, or `export type {}`),
 * by their exported names. Values are found at run time instead; types exist only for tsc.
 */
export function typeExports(folder: string): string[] {
  const source = readFileSync(new URL(`../../${folder}/index.ts`, import.meta.url), 'utf8');
  const names: string[] = [];
  for (const m of source.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
    const allTypes = m[1] !== undefined;
    for (const raw of m[2].split(',')) {
      const item = raw.replace(/\/\/.*$/gm, '').trim();
      if (item === '') continue;
      const isType = allTypes || item.startsWith('type ');
      const exported = item.replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (isType) names.push(exported);
    }
  }
  for (const m of source.matchAll(/export\s+(?:interface|type)\s+([A-Za-z_$][\w$]*)/g)) names.push(m[1]);
  return names;
}
