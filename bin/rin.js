#!/usr/bin/env node
// The package is TypeScript run through tsx; this shim registers it and starts the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
