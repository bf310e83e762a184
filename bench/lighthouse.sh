#!/usr/bin/env bash
# Benchmark: Lighthouse (mobile, the default form factor) on the home page, a full
# text, a provision, the topics page (its map) and the search page, served locally with the site's CSP.
# Prints the four category scores per page; the target is 100 each (DESIGN.md §5).
#
#   bash bench/lighthouse.sh            # builds the site into a temporary folder first
#   SITE=_site bash bench/lighthouse.sh # or audits an existing build
#
# Needs: lighthouse, pinned in bench/lighthouse/ (`cd bench/lighthouse && npx --yes npm@10.9.2 ci`:
# Debian 12's npm 9.2 cannot read its overrides) and Debian's Chromium
# (CHROME_PATH, default /usr/bin/chromium). Not a test: it prints figures.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LIGHTHOUSE="$ROOT/bench/lighthouse/node_modules/lighthouse/cli/index.js"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
PYTHON="${PYTHON:-python3}"

[ -f "$LIGHTHOUSE" ] || { echo "lighthouse is missing: run 'npx --yes npm@10.9.2 ci' in bench/lighthouse" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "no Chromium at $CHROME_PATH: apt-get install -y chromium (or set CHROME_PATH)" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${SITE:-}" ]; then
  SITE_DIR="$(cd "$SITE" && pwd)"
else
  SITE_DIR="$WORK/_site"
  "$PYTHON" "$ROOT/build.py" --out "$SITE_DIR" >/dev/null
fi

# A static server on a free loopback port, sending the CSP of DESIGN.md §5.
"$PYTHON" - "$SITE_DIR" "$WORK/port" <<'PY' &
import functools, http.server, sys
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:"
class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript",
                      ".pf_meta": "application/octet-stream"}
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1]))
with open(sys.argv[2], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
PY
SERVER_PID=$!
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
BASE="http://127.0.0.1:$(cat "$WORK/port")/"

PAGES=("index.html" "yrd-decision/index.html" "yrd-decision/7.html" "topics/index.html" "search.html?q=长三角")
printf '%-28s %11s %13s %14s %5s\n' page performance accessibility best-practices seo
for page in "${PAGES[@]}"; do
  report="$WORK/report.json"
  node "$LIGHTHOUSE" "$BASE$page" --quiet --output=json --output-path="$report" \
    --only-categories=performance,accessibility,best-practices,seo --form-factor=mobile \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync" \
    || { echo "$page: lighthouse failed" >&2; continue; }
  "$PYTHON" - "$report" "$page" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
cats = report["categories"]
score = lambda k: "-" if cats[k]["score"] is None else str(round(cats[k]["score"] * 100))
print(f"{sys.argv[2]:28} {score('performance'):>11} {score('accessibility'):>13} "
      f"{score('best-practices'):>14} {score('seo'):>5}")
for key in ("performance", "accessibility", "best-practices", "seo"):
    for ref in cats[key]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"    {key}: {audit['id']} ({audit['score']}): {audit['title']}"
                  + (f" — {audit['displayValue']}" if audit.get("displayValue") else ""))
PY
done
