#!/usr/bin/env bash
# Prints the path of a Node 24 LTS binary: `node` itself when it is 24 already, else one installed from
# the npm registry's node-linux-<arch>@24 package (the binary ships inside the package, so no install
# script runs) into .cache/node24, once. Everything it says besides the path goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(node -p 'process.versions.node.split(".")[0]')" = 24 ]; then
  command -v node
  exit 0
fi
package="node-$(node -p 'process.platform')-$(node -p 'process.arch')"
binary="$PWD/.cache/node24/node_modules/$package/bin/node"
if [ ! -x "$binary" ]; then
  echo "Installing Node 24 from the npm registry ($package@24) into .cache/node24" >&2
  mkdir -p .cache/node24
  npm install --prefix .cache/node24 --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    "$package@24" >&2
fi
"$binary" -e 'if (process.versions.node.split(".")[0] !== "24") process.exit(1)'
echo "$binary"
