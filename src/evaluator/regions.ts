// Regions (control rule, "Regions"): a country code matches the country and its subdivisions, a
// subdivision code only itself; the most specific matching entry wins; with an allow-list, a value
// matching no entry is restricted (its region, for per-region aggregation, is its country code).

export interface RegionLists {
  restricted?: readonly string[];
  supported?: readonly string[];
}

const isSubdivision = (code: string) => code.includes('-');

function matches(entry: string, code: string): boolean {
  return entry === code || (!isSubdivision(entry) && code.startsWith(`${entry}-`));
}

/** The region key `code` is restricted under, or undefined when it is not restricted. */
export function restrictedRegion(code: string, lists: RegionLists): string | undefined {
  let best: string | undefined;
  let bestRestricted = false;
  let bestSpecific = 0;
  const consider = (entries: readonly string[] | undefined, restricted: boolean) => {
    for (const e of entries ?? []) {
      if (!matches(e, code)) continue;
      const specific = isSubdivision(e) ? 2 : 1;
      if (best === undefined || specific > bestSpecific) {
        best = e;
        bestRestricted = restricted;
        bestSpecific = specific;
      }
    }
  };
  consider(lists.restricted, true);
  consider(lists.supported, false);
  if (best !== undefined) return bestRestricted ? best : undefined;
  return lists.supported !== undefined ? code.slice(0, 2) : undefined;
}
