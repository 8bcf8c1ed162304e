# Pinned versions of the rig's binaries (sourced by build.sh, up, scripts/ci/install-rig.sh).
# Flux v2.9.5 = source-controller v1.9.5 + kustomize-controller v1.9.5 (flux2 v2.9.5
# manifests/bases/*/kustomization.yaml); both build against k8s.io/client-go v0.36.4, so the
# API server is Kubernetes v1.36 (staging modules v0.36.Y).
KUBE_VERSION="${OCILAB_RIG_KUBE_VERSION:-v1.36.3}"
SOURCE_CONTROLLER_VERSION=v1.9.5
KUSTOMIZE_CONTROLLER_VERSION=v1.9.5
# helm-controller v1.6.4 = what flux2 v2.9.5 pins (go.mod, manifests/bases/helm-controller).
HELM_CONTROLLER_VERSION=v1.6.4
# Only built when Debian's etcd-server is absent (or OCILAB_RIG_BUILD_ETCD=1).
ETCD_VERSION=v3.6.16
RIG_CACHE="${OCILAB_RIG_CACHE:-$HOME/.cache/ocilab-rig}"
# Module versions a controller's go.mod names but the Go module proxy reachable here refuses
# ("403 This module version is not available"): replaced by the nearest version it serves.
# source-controller v1.9.5 wants github.com/fluxcd/pkg/artifact v0.18.3; v0.18.0 is served.
SOURCE_CONTROLLER_REPLACES="github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@v0.18.0"
KUSTOMIZE_CONTROLLER_REPLACES=""
HELM_CONTROLLER_REPLACES=""
