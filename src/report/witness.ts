// The evaluator's witness-path shapes, which reports render as ownership chains.
export type { ShareView, WitnessHop, WitnessPath } from '../evaluator/index.ts';
