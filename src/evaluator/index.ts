// The shared control evaluator: statements in, the graph in force at a date, decisions out.
// Contract: /work/shared/spec/control-rule.md. Pure: no I/O, no clock.
export { createGraphBuilder } from './builder.ts';
export { evaluate, evaluateEach, prepareEvaluation, type PreparedEvaluation } from './evaluate.ts';
export type {
  Decision,
  DescribedFields,
  EvaluateOptions,
  GraphBuilder,
  GraphNote,
  HolderView,
  OwnershipGraph,
  ShareView,
  WitnessHop,
  WitnessPath,
} from './types.ts';
