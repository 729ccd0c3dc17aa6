// The README's code, read from the README itself, so that the tests run what a reader copies.
import { readFileSync } from 'node:fs';

export const README_PATH = new URL('../../README.md', import.meta.url);

export function readme(): string {
  return readFileSync(README_PATH, 'utf8');
}

/** The TypeScript block under "## A tour in 20 lines", verbatim (it starts with the import). */
export function readmeTour(): string {
  const section = readme().split('## A tour in 20 lines')[1];
  if (section === undefined) throw new Error('README.md has no "## A tour in 20 lines" section');
  const block = section.split('```ts')[1]?.split('```')[0];
  if (block === undefined) throw new Error('README.md\'s tour section has no ```ts block');
  return block.trim() + '\n';
}

/** Every `tg.a` / `tg.a.b` the README names, in code or in prose: 'nn.Linear', 'gradcheck'. */
export function readmeMemberPaths(): string[] {
  const paths = new Set<string>();
  {
    for (const m of readme().matchAll(/\btg\.([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?/g)) {
      paths.add(m[2] !== undefined && /^[a-z]/.test(m[1]) && isNamespaceName(m[1]) ? `${m[1]}.${m[2]}` : m[1]);
    }
  }
  return [...paths].sort();
}

// tg.nn.Linear is a member of a namespace; tg.tensor(...).mul is a method call on a result.
const NAMESPACES = new Set(['nn', 'optim', 'data', 'zoo', 'plot', 'ode', 'gode', 'init']);
function isNamespaceName(name: string): boolean {
  return NAMESPACES.has(name);
}
