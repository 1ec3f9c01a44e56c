// The bits and strides of a compiled graph (see compile.ts, which re-exports them).

export const E_LO_OPEN = 1;
export const E_HI_OPEN = 2;
export const E_STANDIN = 4;
/**
 * ints per ownership edge in `Compiled.e`: holder; lower bound | the edge's flags (E_*) <<
 * E_SHIFT; upper bound | its ownership slot << E_SHIFT (read with >>>). Bounds are units, below
 * 2^27; a policy has at most 32 slots (the interest types are a fixed list).
 */
export const E_STRIDE = 3;
export const E_SHIFT = 27;
export const E_MASK = (1 << E_SHIFT) - 1;
export const MAX_SLOTS = 32;

/**
 * ints per node in `Compiled.rec`: first ownership edge (0), first control edge (1) -- the next
 * record's fields end them -- compiled flags (2), and a solve's scratch (3: a Tarjan index, 0
 * after compile). One record is one place to read per node, 16 bytes, four to a cache line.
 */
export const R_STRIDE = 4;

export const C_RESTRICT = 1;
export const C_INDICATE = 2;

export const F_ROOT = 1;
/** of unknown origin (whatever the policy makes of it) */
export const F_UNKNOWN = 2;
/** of unknown origin and counted as possibly restricted (unidentifiedOwners: review) */
export const F_UNKNOWN_UP = 4;
/** has an unaccounted remainder that may be restricted */
export const F_REMAINDER = 8;
export const F_INVALID = 16;
export const F_INCONSISTENT = 32;
export const F_SELF = 64;
export const F_CONFLICT = 128;
