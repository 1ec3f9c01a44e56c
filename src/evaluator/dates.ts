// Dates compare as instants; a full date is 00:00 UTC. A date-time without a zone is read as UTC
// (never as the machine's local time: the result must not depend on where it runs).

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
export const DAY_MS = 86_400_000;

/** The instant of a BODS date or date-time, or NaN when it cannot be read. */
export function instantOf(value: string): number {
  if (DATE.test(value)) return Date.parse(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return NaN;
  return Date.parse(ZONE.test(value) ? value : `${value}Z`);
}

/** True when `asOf` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(asOf: string): boolean {
  if (!DATE.test(asOf)) return false;
  const t = Date.parse(`${asOf}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === asOf;
}

/** The day (YYYY-MM-DD) of a date or date-time, for the interest start/end comparison. */
export function dayOf(value: string): string {
  return value.slice(0, 10);
}
