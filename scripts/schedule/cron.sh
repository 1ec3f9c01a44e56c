#!/usr/bin/env bash
# Nightly audit from cron. Install with `crontab -e`:
#   15 2 * * *  /opt/channelguard/scripts/schedule/cron.sh >>/var/log/channelguard/audit.log 2>&1
# Secrets come from an env file readable only by the service user (chmod 600), never from flags.
set -euo pipefail
cd "${CHANNELGUARD_HOME:-/opt/channelguard}"
set -a
# shellcheck source=/dev/null
. /etc/channelguard/env # DATABASE_URL, CHANNELGUARD_SIGNING_KEY_FILE, AWS_*, GOOGLE_APPLICATION_CREDENTIALS, AZURE_*
set +a
# Not a terminal: logs are JSON lines on stderr, the summary is one JSON object on stdout.
status=0
npx channelguard audit --config /etc/channelguard/channelguard.yaml || status=$?
case "$status" in
  0) ;;                                  # clean run, reports written
  1) echo "restricted tenants found (only with --fail-on)" >&2 ;;
  3) echo "partial: a source failed; its results are marked incomplete" >&2 ;;
  4) echo "delta guard: too many decisions changed; review, then re-run with --accept-delta" >&2 ;;
  5) echo "stale sources: affected reports were not written" >&2 ;;
  *) echo "audit failed with status $status" >&2 ;;
esac
exit "$status"
