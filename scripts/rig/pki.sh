#!/usr/bin/env bash
# Certificates and keys for the rig's kube-apiserver (openssl), in DIR (0700, keys 0600):
#   ca.crt/ca.key           cluster CA (EC P-256, 1 day)
#   apiserver.crt/.key      serving cert: 127.0.0.1, localhost, kubernetes.default.svc...
#   admin.crt/.key          client cert CN=ocilab-rig-admin, O=system:masters
#   sa.key/sa.pub           service-account token signing key pair (RSA 2048)
set -euo pipefail
dir="${1:?usage: pki.sh DIR}"
mkdir -p "$dir"; chmod 0700 "$dir"; cd "$dir"
umask 077
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ec ca.key
openssl req -x509 -new -key ca.key -sha256 -days 1 -subj "/CN=ocilab-rig-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt 2>/dev/null

sign() { # name subject extfile
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -sha256 \
    -extfile "$3" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$3"
}
ec apiserver.key
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" \
  "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" > apiserver.ext
sign apiserver "/CN=kube-apiserver" apiserver.ext
ec admin.key
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" "extendedKeyUsage=clientAuth" > admin.ext
sign admin "/O=system:masters/CN=ocilab-rig-admin" admin.ext
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
chmod 0600 ./*.key
rm -f ca.srl
echo "[rig] certificates in $dir" >&2
