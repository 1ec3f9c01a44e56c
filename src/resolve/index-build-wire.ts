// What the caller's thread and the index-building thread say to each other (index-build-thread.ts).
import type { Party } from '../model/types.ts';
import type { EntityIndexSnapshot } from './index-layout.ts';

/** slots of the shared counter array: chunks posted by the caller, chunks taken by the builder */
export const POSTED = 0;
export const CONSUMED = 1;

export type BuildChunk = { end?: false; parties: Party[] } | { end: true };

export type BuildReply = { snapshot: EntityIndexSnapshot } | { failed: { message: string; stack?: string } };
