#!/usr/bin/env bash
# release.sh OUT FROM TO: copy the demo app (cluster/demo-app) to OUT with the literal text
# FROM replaced by TO in deployment.yaml, then show the change as a diff. Plain bash + git.
set -euo pipefail
out=$1 from=$2 to=$3
app="$(cd "$(dirname "$0")/../../cluster/demo-app" && pwd)"
rm -rf "$out" && mkdir -p "$out" && cp "$app"/*.yaml "$out"/
content="$(cat "$app/deployment.yaml")"
[[ $content == *"$from"* ]] || { echo "release.sh: \"$from\" is not in $app/deployment.yaml" >&2; exit 1; }
printf '%s\n' "${content//"$from"/"$to"}" > "$out/deployment.yaml"
git --no-pager diff --no-index --no-color -U0 "$app/deployment.yaml" "$out/deployment.yaml" | grep '^[-+] ' || true
