// The thread that builds an entity index (see index-build-thread.ts). Plain JavaScript on purpose,
// like match-worker.js: a worker does not inherit the tsx loader that `npx channelguard` registers,
// so this file registers it before loading the TypeScript that builds.
import { register } from 'tsx/esm/api';

register();
await import('./index-build-worker-main.ts');
