#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx channelguard` works right after
// `npm install` with no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that its 2027 releases will need Node 22; channelguard pins its
// AWS SDK version (see the README's dependency notes), so the warning only adds noise to cron logs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
