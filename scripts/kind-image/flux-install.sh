#!/usr/bin/env bash
# Flux's install manifests without the flux CLI or the internet, for ocilab's kind target
# (it installs from <ocilab cache>/flux/install.yaml when `flux` is not on PATH): namespace
# flux-system, the CRDs and the manager Deployments/Services of source-, kustomize- and
# helm-controller from their Go modules' config/ at the rig's versions (kustomize build),
# images ghcr.io/fluxcd/<name>:<version>, one ServiceAccount per controller.
# RBAC is simpler than flux2's manifests/rbac (which binds cluster-admin to kustomize- and
# helm-controller, and its crd-controller ClusterRole to every controller): here
# cluster-admin is bound to the three ServiceAccounts. A local kind cluster only.
# Usage: flux-install.sh <output file>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
dest="${1:?output file}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
k="$work/k"; mkdir -p "$k"
{
  echo 'apiVersion: kustomize.config.k8s.io/v1beta1'
  echo 'kind: Kustomization'
  echo 'namespace: flux-system'
  echo 'resources:'
  echo '  - rbac.yaml'
} > "$k/kustomization.yaml"
cat > "$k/rbac.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: flux-system
YAML
patches='patches:'
images='images:'
for c in source-controller:$SOURCE_CONTROLLER_VERSION kustomize-controller:$KUSTOMIZE_CONTROLLER_VERSION helm-controller:$HELM_CONTROLLER_VERSION; do
  name=${c%%:*}; v=${c#*:}
  dir=$(mod_dir "github.com/fluxcd/$name@$v")
  [ -n "$dir" ] || { echo "no module dir for $name@$v" >&2; exit 1; }
  # kustomize refuses absolute paths: copy the two config dirs under the kustomization
  mkdir -p "$k/$name"; cp -r "$dir/config/crd" "$dir/config/manager" "$k/$name/"; chmod -R u+w "$k/$name"
  echo "  - $name/crd" >> "$k/kustomization.yaml"
  echo "  - $name/manager" >> "$k/kustomization.yaml"
  printf -- '---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: %s\n' "$name" >> "$k/rbac.yaml"
  patches+=$'\n'"  - target: {kind: Deployment, name: $name}"$'\n'"    patch: '[{\"op\": \"add\", \"path\": \"/spec/template/spec/serviceAccountName\", \"value\": \"$name\"}]'"
  images+=$'\n'"  - name: fluxcd/$name"$'\n'"    newName: ghcr.io/fluxcd/$name"$'\n'"    newTag: $v"
done
cat >> "$k/rbac.yaml" <<'YAML'
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ocilab-flux-controllers
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - {kind: ServiceAccount, name: source-controller, namespace: flux-system}
  - {kind: ServiceAccount, name: kustomize-controller, namespace: flux-system}
  - {kind: ServiceAccount, name: helm-controller, namespace: flux-system}
YAML
printf '%s\n%s\n' "$patches" "$images" >> "$k/kustomization.yaml"
mkdir -p "$(dirname "$dest")"
kustomize build "$k" > "$dest.tmp"
mv "$dest.tmp" "$dest"
echo "[kind-image] Flux install manifests -> $dest ($(grep -c '^kind:' "$dest") objects; images: $(grep -o 'image: .*' "$dest" | sort -u | tr '\n' ' '))"
