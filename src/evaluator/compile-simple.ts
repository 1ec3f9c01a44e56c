// The common subject, compiled without the general path's scratch and sort: every in-force
// relationship states one interest, no stake is a declared stand-in, and no holder states two
// ownership stakes (so nothing combines by maximum). Its edges are then the relationships
// themselves, grouped by type and, within a type, in holder order -- as the general path writes
// them. Whole-graph compiles only (graph node = compiled node): one loop over every node, the
// graph's columns in locals.
import {
  R_STRIDE,
  C_INDICATE,
  C_RESTRICT,
  E_HI_OPEN,
  E_LO_OPEN,
  E_SHIFT,
  E_STRIDE,
  F_CONFLICT,
  F_INCONSISTENT,
  F_INVALID,
  F_SELF,
} from './compiled-bits.ts';
import type { Column } from './growable.ts';
import { REL_NO_INTERESTS, type CompactGraph } from './graph.ts';
import { ROLE_OWN, ROLE_RESTRICT, type PolicyContext } from './policy-context.ts';
import { DOI_INDIRECT, SH_HI_OPEN, SH_INVALID, SH_LO_OPEN } from './store.ts';
import { FULL } from './units.ts';

/** Slots are bits of a mask: a policy with more ownership types takes the general path. */
export const MAX_SIMPLE_SLOTS = 30;

/** Compiles one subject from edge `m` on; returns the new edge count. */
export interface SubjectCompiler {
  compile(v: number, m: number): number;
  /** the subject's flags found (F_INVALID, F_INCONSISTENT, F_SELF), after `compile` */
  flags: number;
  /** a subjectExemptFromDisclosure statement covers the subject, after `compile` */
  exempt: boolean;
}

export class SimpleCompiler {
  /** a subjectExemptFromDisclosure statement covers the subject (set by `others`) */
  private exempt = false;

  constructor(
    private readonly g: CompactGraph,
    private readonly ctx: PolicyContext,
    private readonly e: Int32Array,
    private readonly eRel: Int32Array,
    private readonly eType: Uint16Array,
    private readonly ctrl: Column<Int32Array>,
  ) {}

  /**
   * Compiles every node, in order: the simple path where it applies, else `general`; writes each
   * node's record (`rec`, see R_STRIDE): edge and control starts and the flags found while
   * compiling (then completed by `finish`, which returns a node's flags).
   */
  compileAll(
    general: SubjectCompiler,
    rec: Int32Array,
    finish: (v: number, f: number, exempt: boolean) => number,
  ): void {
    const { g, ctx, e, eRel, eType, ctrl } = this;
    const { subjStart, relHolder, relFlags, relIntStart, intType, intMeta, intShape, intLo, intHi } = g;
    const { role: roles, slot: slotOf } = ctx;
    const conflict = g.nodeConflict;
    const n = g.nodeCount;
    const untyped = ctx.slotNames.length - 1;
    let m = 0;
    nodes: for (let v = 0; v < n; v++) {
      const a = subjStart[v]!;
      const b = subjStart[v + 1]!;
      const ctrlFrom = ctrl.length;
      // one pass writes the edges in relationship order (from `m`: the general path overwrites
      // them if this one gives up); a subject with one ownership type needs no other
      let f = conflict[v] ? F_CONFLICT : 0;
      let slots = 0;
      let sum = 0;
      let open = false;
      let other = false; // a control interest, an exemption or a self-holding to look at
      let prev = -1; // the holder of the last ownership stake
      let end = m;
      for (let r = a; r < b; r++) {
        const h = relHolder[r]!;
        if (h < 0 || h === v) {
          other = true;
          continue;
        }
        let lo = 0;
        let hi = FULL;
        let ef = 0;
        let t = 0;
        let slot = untyped;
        if (!(relFlags[r]! & REL_NO_INTERESTS)) {
          const k = relIntStart[r]!;
          const count = relIntStart[r + 1]! - k;
          if (count === 0) continue;
          if (count > 1) {
            m = this.general(general, v, m, f, rec, ctrlFrom, finish);
            continue nodes;
          }
          t = intType[k]!;
          if (roles[t] !== ROLE_OWN) {
            other = true;
            continue;
          }
          if ((intMeta[k]! & 3) === DOI_INDIRECT) {
            m = this.general(general, v, m, f, rec, ctrlFrom, finish);
            continue nodes;
          }
          slot = slotOf[t]!;
          const shape = intShape[k]!;
          if (shape & SH_INVALID) f |= F_INVALID;
          else {
            lo = intLo[k]!;
            hi = intHi[k]!;
            ef = (shape & SH_LO_OPEN ? E_LO_OPEN : 0) | (shape & SH_HI_OPEN ? E_HI_OPEN : 0);
          }
        }
        if (h === prev) {
          m = this.general(general, v, m, f & F_CONFLICT, rec, ctrlFrom, finish);
          continue nodes;
        }
        prev = h;
        slots |= 1 << slot;
        const o = end * E_STRIDE;
        e[o] = h;
        e[o + 1] = lo | (ef << E_SHIFT);
        e[o + 2] = hi | (slot << E_SHIFT);
        eRel[end] = r;
        eType[end] = t;
        end++;
        sum += lo;
        if (ef & E_LO_OPEN) open = true;
      }
      if ((slots & (slots - 1)) === 0) {
        // the 100% check of the one type
        if (sum > FULL || (sum === FULL && open)) f |= F_INCONSISTENT;
      } else f |= this.bySlot(v, m, slots);
      this.exempt = false;
      if (other) f |= this.others(v);
      m = end;
      const rv = R_STRIDE * v;
      rec[rv + R_STRIDE] = m;
      rec[rv + R_STRIDE + 1] = (ctrl.length - ctrlFrom) / 4 + rec[rv + 1]!;
      rec[rv + 2] = finish(v, f, this.exempt);
    }
  }

  /** Node v by the general path. */
  private general(
    general: SubjectCompiler,
    v: number,
    m: number,
    f: number,
    rec: Int32Array,
    ctrlFrom: number,
    finish: (v: number, f: number, exempt: boolean) => number,
  ): number {
    m = general.compile(v, m);
    const rv = R_STRIDE * v;
    rec[rv + R_STRIDE] = m;
    rec[rv + R_STRIDE + 1] = (this.ctrl.length - ctrlFrom) / 4 + rec[rv + 1]!;
    rec[rv + 2] = finish(v, (f & F_CONFLICT) | general.flags, general.exempt);
    return m;
  }

  /**
   * Rewrites subject v's edges from `m` on a type at a time (slots ascending), each type's
   * holders in order; returns F_INCONSISTENT if a type's lower bounds pass 100%.
   */
  private bySlot(v: number, m: number, slots: number): number {
    const { g, ctx, e, eRel, eType } = this;
    const a = g.subjStart[v]!;
    const b = g.subjStart[v + 1]!;
    const untyped = ctx.slotNames.length - 1;
    let f = 0;
    for (let slot = 0; slots !== 0; slot++, slots >>>= 1) {
      if (!(slots & 1)) continue;
      let sum = 0;
      let open = false;
      for (let r = a; r < b; r++) {
        const h = g.relHolder[r]!;
        if (h < 0 || h === v) continue;
        let lo = 0;
        let hi = FULL;
        let ef = 0;
        let t = 0;
        if (g.relFlags[r]! & REL_NO_INTERESTS) {
          if (slot !== untyped) continue;
        } else {
          const k = g.relIntStart[r]!;
          if (g.relIntStart[r + 1] === k) continue;
          t = g.intType[k]!;
          if (ctx.role[t] !== ROLE_OWN || ctx.slot[t] !== slot) continue;
          const shape = g.intShape[k]!;
          if (!(shape & SH_INVALID)) {
            lo = g.intLo[k]!;
            hi = g.intHi[k]!;
            ef = (shape & SH_LO_OPEN ? E_LO_OPEN : 0) | (shape & SH_HI_OPEN ? E_HI_OPEN : 0);
          }
        }
        const o = m * E_STRIDE;
        e[o] = h;
        e[o + 1] = lo | (ef << E_SHIFT);
        e[o + 2] = hi | (slot << E_SHIFT);
        eRel[m] = r;
        eType[m] = t;
        m++;
        sum += lo;
        if (ef & E_LO_OPEN) open = true;
      }
      if (sum > FULL || (sum === FULL && open)) f |= F_INCONSISTENT;
    }
    return f;
  }

  /** Control edges (to `ctrl`), exemptions and self-holdings, in relationship order; returns F_SELF if held by itself. */
  private others(v: number): number {
    const { g, ctx, ctrl } = this;
    let f = 0;
    for (let r = g.subjStart[v]!; r < g.subjStart[v + 1]!; r++) {
      const h = g.relHolder[r]!;
      if (h < 0) {
        if (g.store.rsUnspecified.get(g.relStmt[r]!)?.reason === 'subjectExemptFromDisclosure')
          this.exempt = true;
        continue;
      }
      if (h === v) {
        f |= F_SELF;
        continue;
      }
      if (g.relFlags[r]! & REL_NO_INTERESTS) continue;
      const k = g.relIntStart[r]!;
      if (g.relIntStart[r + 1] === k) continue;
      const t = g.intType[k]!;
      const role = ctx.role[t]!;
      if (role === ROLE_OWN || role === 0) continue;
      ctrl.push(h);
      ctrl.push(role === ROLE_RESTRICT ? C_RESTRICT : C_INDICATE);
      ctrl.push(r);
      ctrl.push(t);
    }
    return f;
  }
}
