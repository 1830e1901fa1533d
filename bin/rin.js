#!/usr/bin/env node
// `node bin/rin.js` in a checkout: runs the TypeScript sources through tsx (a devDependency), so
// there is no build step while developing. The published package does not use this file: its
// `rin` is dist/cli/main.js, built by `npm run build` (npm pack runs it), and needs no tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
