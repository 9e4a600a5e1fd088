#!/usr/bin/env bash
# The dashboard in a real browser: headless Debian Chromium driven by
# playwright-core (tests/browser) against a server on a store filled by the
# real pipeline (simulator, collect, etl). Checks the cover of every day with
# plays against the simulator's truth, that the track named
# '<img src=x onerror=alert(1)>' shows as text and runs nothing, and that the
# static site works from file://; then every page type (issue 11) from the
# dashboard and the site at 390 and 1400 px (no overflow, images load, links
# resolve, no console error, names inert). Screenshots go to $ARTIFACTS/t0510-browser.
# Without chromium or npm the checks are skipped, never passed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-etl.sh"
BROWSER_DIR="$ROOT/tests/browser"
SHOTS="${ARTIFACTS:-$ROOT/tests/artifacts}"
case "$SHOTS" in /*) ;; *) SHOTS="$ROOT/$SHOTS" ;; esac
SHOTS="$SHOTS/t0510-browser"

if [ ! -x /usr/bin/chromium ]; then
	skip "browser checks" "no /usr/bin/chromium (apt-get install chromium)"
	done_testing; exit
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	skip "browser checks" "node/npm not installed"
	done_testing; exit
fi
if [ ! -d "$BROWSER_DIR/node_modules/playwright-core" ]; then
	(cd "$BROWSER_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund \
		>"$T/npm.log" 2>&1)
fi
if [ ! -d "$BROWSER_DIR/node_modules/playwright-core" ]; then
	skip "browser checks" "npm could not install playwright-core (see npm log)"
	done_testing; exit
fi
mkdir -p "$SHOTS"

dashboard_store
YEAR=$(curl -s "$URL/api/years" | jq '.years[-1]')
for _ in $(seq 1 100); do # the background cover download, bounded
	[ "$(curl -s "$URL/api/calendar?year=$YEAR" | jq '[.days[] | select(.track.cover == null)] | length')" = 0 ] && break
	sleep 0.1
done
check "site written" sl site --out "$T/site" --no-covers

BASE="$URL" SITE="$T/site" SIM_URL="$SIM_URL" ACCESS="$ACCESS" TRUTH="$T/truth.json" \
YEAR="$YEAR" SHOTS="$SHOTS" PROFILE="$T/chromium-profile" \
	timeout 900 node "$BROWSER_DIR/dashboard.mjs" >"$T/browser.out" 2>&1
rc=$?
while IFS= read -r line; do
	case "$line" in
	PASS\ *) ok "${line#PASS }" ;;
	FAIL\ *) not_ok "${line#FAIL }" ;;
	SKIP\ *) skip "${line#SKIP }" ;;
	*) echo "# $line" ;;
	esac
done <"$T/browser.out"
is "the browser run ended cleanly" "$rc" 0
check "screenshots kept" test -s "$SHOTS/calendar.png" -a -s "$SHOTS/year.png"
done_testing
