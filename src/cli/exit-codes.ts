// Exit statuses, documented in the README. sysexits.h values where one fits.
export const EXIT = {
  ok: 0,
  /** --fail-on matched, restricted tenants found (audit --fail-on), verification failed */
  findings: 1,
  usage: 2,
  /** a run finished but some source failed: its results are marked incomplete */
  partial: 3,
  /** the delta guard stopped the run before any report was written (re-run with --accept-delta) */
  deltaGuard: 4,
  /** a source is older than its configured maximum age: affected reports were not written */
  stale: 5,
  /** an input file cannot be read or parsed at all */
  dataError: 65,
  /** a service (database, marketplace API, signing key) is unavailable */
  unavailable: 69,
  /** a bug: please report it */
  internal: 70,
  /** a temporary failure (throttled past the retry budget, timeouts): try again later */
  tempFail: 75,
  /** bad configuration or policy */
  config: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
