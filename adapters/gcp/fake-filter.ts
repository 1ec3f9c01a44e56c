// The entitlements `filter` language of the Partner Procurement API, as far as the discovery document
// describes it: `attr=value`, `attr!=value`, `consumers.project:value`, AND / OR / NOT, parentheses,
// AND implied between adjacent predicates, double-quoted values, case-insensitive state without the
// ENTITLEMENT_ prefix. Used only by the fake.

export interface FilterableEntitlement {
  accountId: string;
  billingAccount?: string;
  productExternalName: string;
  plan: string;
  offer?: string;
  state: string;
  consumers: string[];
}

export type Compiled = {
  test: (e: FilterableEntitlement) => boolean;
  /** when every match must have one of these account ids: the fake's index lookup */
  accounts?: Set<string>;
};

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
}

type Node =
  | { kind: 'and' | 'or'; items: Node[] }
  | { kind: 'not'; item: Node }
  | { kind: 'pred'; attr: string; op: '=' | '!=' | ':'; value: string };

const ATTRS = new Set([
  'account',
  'customer_billing_account',
  'product_external_name',
  'plan',
  'offer',
  'state',
  'consumers.project',
]);

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /\s*(\(|\)|!=|=|:|"(?:[^"\\]|\\.)*"|[^\s()=!:"]+)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) out.push(m[1]!);
  if (text.slice(re.lastIndex).trim() !== '')
    throw new FilterSyntaxError(`cannot read filter near "${text.slice(re.lastIndex)}"`);
  return out;
}

export function compileFilter(text: string): Compiled {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = () => {
    const t = tokens[i++];
    if (t === undefined) throw new FilterSyntaxError('filter ends early');
    return t;
  };
  const parseOr = (): Node => {
    const items = [parseAnd()];
    while (peek() === 'OR') {
      i++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const parseAnd = (): Node => {
    const items = [parseUnary()];
    for (;;) {
      const t = peek();
      if (t === 'AND') i++;
      else if (t === undefined || t === 'OR' || t === ')') break;
      items.push(parseUnary());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const parseUnary = (): Node => {
    const t = take();
    if (t === 'NOT') return { kind: 'not', item: parseUnary() };
    if (t === '(') {
      const inner = parseOr();
      if (take() !== ')') throw new FilterSyntaxError('missing )');
      return inner;
    }
    const attr = t;
    if (!ATTRS.has(attr)) throw new FilterSyntaxError(`unknown filter attribute "${attr}"`);
    const op = take();
    if (op !== '=' && op !== '!=' && op !== ':')
      throw new FilterSyntaxError(`expected = != or : after ${attr}`);
    if ((attr === 'consumers.project') !== (op === ':')) {
      throw new FilterSyntaxError(`${attr} needs ${attr === 'consumers.project' ? ':' : '= or !='}`);
    }
    let value = take();
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    return { kind: 'pred', attr, op, value };
  };
  const root = parseOr();
  if (i !== tokens.length) throw new FilterSyntaxError(`unexpected "${tokens[i]}"`);
  const compiled: Compiled = { test: (e) => evaluate(root, e) };
  const accounts = accountSet(root);
  if (accounts) compiled.accounts = accounts;
  return compiled;
}

const bareAccount = (v: string) => v.slice(v.lastIndexOf('/') + 1);
const normState = (v: string) => v.toUpperCase().replace(/^ENTITLEMENT_/, '');

function evaluate(node: Node, e: FilterableEntitlement): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => evaluate(n, e));
    case 'or':
      return node.items.some((n) => evaluate(n, e));
    case 'not':
      return !evaluate(node.item, e);
    case 'pred': {
      if (node.attr === 'consumers.project') return e.consumers.includes(node.value);
      const eq = matches(node.attr, node.value, e);
      return node.op === '=' ? eq : !eq;
    }
  }
}

function matches(attr: string, value: string, e: FilterableEntitlement): boolean {
  switch (attr) {
    case 'account':
      return bareAccount(value) === e.accountId;
    case 'customer_billing_account':
      return e.billingAccount !== undefined && value === e.billingAccount;
    case 'product_external_name':
      return value === e.productExternalName;
    case 'plan':
      return value === e.plan;
    case 'offer':
      return value === e.offer;
    case 'state':
      return normState(value) === normState(e.state);
    default:
      return false;
  }
}

/** The account ids a match is confined to, when the filter says so (an OR of `account=`, maybe ANDed). */
function accountSet(node: Node): Set<string> | undefined {
  if (node.kind === 'pred') {
    return node.attr === 'account' && node.op === '=' ? new Set([bareAccount(node.value)]) : undefined;
  }
  if (node.kind === 'or') {
    const out = new Set<string>();
    for (const item of node.items) {
      const s = accountSet(item);
      if (!s) return undefined;
      for (const a of s) out.add(a);
    }
    return out;
  }
  if (node.kind === 'and') {
    for (const item of node.items) {
      const s = accountSet(item);
      if (s) return s;
    }
  }
  return undefined;
}
