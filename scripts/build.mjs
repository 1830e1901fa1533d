// npm run build: src/*.ts → dist/ (JavaScript and declarations) and the web page.
// tsc rewrites the sources' relative ".ts" imports to ".js" in the JavaScript it emits
// (rewriteRelativeImportExtensions), but not in the declarations: there a consumer's TypeScript
// older than 5.7 resolves nothing and every rin type silently becomes `any`. So the declarations'
// relative specifiers are rewritten here.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
copyFileSync(join(root, 'src', 'serve', 'page.html'), join(dist, 'serve', 'page.html'));

const relativeTs = /(['"])(\.\.?\/[^'"]*)\.ts\1/g;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(relativeTs, '$1$2.js$1');
  if (fixed !== text) writeFileSync(file, fixed);
}
