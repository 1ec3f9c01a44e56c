// The demo's bundled ownership graph: the generated world's BODS statements as JSON Lines.
import { generateDemoWorld, type DemoOptions } from './world.ts';

export const DEMO_OWNERSHIP_FILE = new URL('../../data/demo/ownership.bods.jsonl', import.meta.url);

/** The exact bytes of data/demo/ownership.bods.jsonl for the default demo world. */
export function demoOwnershipJsonl(options: DemoOptions = {}): string {
  return (
    generateDemoWorld(options)
      .bods.map((s) => JSON.stringify(s))
      .join('\n') + '\n'
  );
}
