// The evaluator's witness-path shapes (src/evaluator/index.ts, per /tmp/cg/evaluator-api.md),
// restated structurally so the report layer compiles on its own; they must stay identical.
export interface ShareView {
  min: number;
  max: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}

export interface WitnessHop {
  /** party id; an unspecified party is "unspecified:<relationshipId>" */
  holder: string;
  subject: string;
  interestType: string;
  share: ShareView;
  /** relationship recordId */
  source: string;
  statementId: string;
}

export interface WitnessPath {
  root: string;
  rootReason: string;
  /** from the subject upwards: hops[0].subject is the decision's id */
  hops: WitnessHop[];
}
