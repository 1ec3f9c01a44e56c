// A matcher thread's entry (see matcher-pool.ts). Plain JavaScript on purpose, like
// store/pglite-worker.js: a worker does not inherit the tsx loader that `npx channelguard`
// registers, so this file registers it (resolved from this package, whatever the working
// directory) before loading the TypeScript that matches.
import { register } from 'tsx/esm/api';

register();
await import('./match-worker-main.ts');
