// Tenant -> legal entity resolution: the public surface of src/resolve.
export {
  attachEntityIndex,
  createEntityIndex,
  type EntityIndex,
  type EntityIndexSnapshot,
} from './entity-index.ts';
export { buildEntityIndexInThread, type IndexBuildOptions, type IndexSource } from './index-build-thread.ts';
export {
  FREE_MAIL_DOMAINS,
  identifierKeys,
  isValidLei,
  isValidUscc,
  placeholderReason,
  registrableDomain,
  usccCheckChar,
  type IdentifierKey,
  type RefusedIdentifier,
} from './identifiers.ts';
export {
  MARGIN,
  MATCHER_VERSION,
  STRONG,
  WEAK,
  matchTenant,
  type MatchCandidate,
  type MatchResult,
  type TenantLike,
} from './match.ts';
export {
  MatcherPoolError,
  createMatcherPool,
  resolveMatcherPoolOptions,
  type MatcherPool,
  type MatcherPoolOptions,
  type ResolvedMatcherPoolOptions,
} from './matcher-pool.ts';
export { nameForms, type NameForm } from './names.ts';
export {
  combineParties,
  decideTenant,
  summariseMatch,
  type ChannelPartyMatch,
  type DecisionLike,
  type MatchSummary,
  type PartyDecision,
  type TenantDecision,
} from './decide-tenant.ts';
