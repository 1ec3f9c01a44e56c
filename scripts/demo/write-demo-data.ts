// Regenerates data/demo/ownership.bods.jsonl from the demo world generator.
// Run after changing adapters/demo/: node --import tsx scripts/demo/write-demo-data.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_OWNERSHIP_FILE, demoOwnershipJsonl } from '../../adapters/demo/bundle.ts';

const path = fileURLToPath(DEMO_OWNERSHIP_FILE);
writeFileSync(path, demoOwnershipJsonl());
process.stdout.write(`wrote ${path}\n`);
