// Fault injection for the AWS fake: rules consumed in order by the requests they match, plus page
// knobs (a forced page size, a token that repeats). Tests and the demo drive it through `faults`.

export type FakeService = 'agreement' | 's3' | 'bedrock';
export type FaultKind = 'throttle' | 'server-error' | 'slow' | 'expired-token' | 'invalid-token';

export interface FaultRule {
  kind: FaultKind;
  /** match one service / one operation ("SearchAgreements", "ListObjectsV2", "GetObject", "ListFoundationModels") */
  service?: FakeService;
  op?: string;
  /** how many matching requests it hits (default 1; Infinity for "until cleared") */
  count?: number;
  /** throttle: the Retry-After header in seconds */
  retryAfterSeconds?: number;
  /** server-error: the status (default 500) */
  status?: number;
  /** slow: how long to wait before answering */
  delayMs?: number;
}

export interface AwsFakeFaults {
  /** caps every page the fake serves (SearchAgreements, ListAgreementInvoiceLineItems, ListObjectsV2) */
  pageSize?: number;
  /** from page `afterPages` on, answer an operation's next page with the token it was sent
   *  (ListObjectsV2 tokens carry no page number: there every continued page repeats) */
  repeatToken?: { op: string; afterPages: number };
  inject(rule: FaultRule): void;
  clear(): void;
  /** requests seen per operation, faults included */
  readonly calls: Record<string, number>;
  /** the first rule matching this request, consumed by one */
  take(service: FakeService, op: string): FaultRule | undefined;
}

export function createFaults(): AwsFakeFaults {
  let rules: Array<FaultRule & { left: number }> = [];
  const calls: Record<string, number> = {};
  const faults: AwsFakeFaults = {
    calls,
    inject(rule) {
      rules.push({ ...rule, left: rule.count ?? 1 });
    },
    clear() {
      rules = [];
      delete faults.pageSize;
      delete faults.repeatToken;
    },
    take(service, op) {
      calls[op] = (calls[op] ?? 0) + 1;
      const rule = rules.find(
        (r) =>
          r.left > 0 &&
          (r.service === undefined || r.service === service) &&
          (r.op === undefined || r.op === op),
      );
      if (!rule) return undefined;
      rule.left--;
      rules = rules.filter((r) => r.left > 0);
      return rule;
    },
  };
  return faults;
}

/** Each service's own spelling of a fault: HTTP status and error code. */
export function faultAnswer(
  service: FakeService,
  rule: FaultRule,
): { status: number; code: string; message: string } {
  switch (rule.kind) {
    case 'throttle':
      return service === 's3'
        ? { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' }
        : { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' };
    case 'server-error':
      return {
        status: rule.status ?? 500,
        code: service === 's3' ? 'InternalError' : 'InternalServerException',
        message: 'We encountered an internal error. Please try again.',
      };
    case 'expired-token':
      return service === 's3'
        ? { status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' }
        : {
            status: 403,
            code: 'ExpiredTokenException',
            message: 'The security token included in the request is expired',
          };
    case 'invalid-token':
      return service === 's3'
        ? {
            status: 403,
            code: 'InvalidAccessKeyId',
            message: 'The AWS Access Key Id you provided does not exist in our records.',
          }
        : {
            status: 403,
            code: 'UnrecognizedClientException',
            message: 'The security token included in the request is invalid.',
          };
    case 'slow':
      return { status: 200, code: '', message: '' };
  }
}
