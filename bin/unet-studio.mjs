#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx unet-studio` works straight after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
