#!/usr/bin/env bash
# Certificates for the clustered event bus's mutual TLS (EVENTBUS_TLS=true; docs/security.md, README "Cluster security").
#
#   scripts/cluster-certs.sh OUT_DIR NAME...
#
# Writes, in PEM:
#   OUT_DIR/ca.crt, OUT_DIR/ca.key       a CA dedicated to this cluster (reused when both files exist)
#   OUT_DIR/NAME/tls.crt, tls.key        per NAME, a node certificate signed by that CA: extended key usage serverAuth
#                                        and clientAuth (a node is both ends), subjectAltName DNS:NAME
# Keys (ca.key, tls.key) are readable only by their owner (0600); certificates are 0644. A node certificate that
# already exists is kept when it chains to the CA and is valid for more than RENEW_DAYS; otherwise it is made anew.
# Nothing else reads the names: nodes do not verify host names (pod IPs change); the CA is what authenticates.
#
# Environment: CA_DAYS (3650), CERT_DAYS (825), RENEW_DAYS (30), CA_NAME (CN of a new CA).
# Keep ca.key off the nodes: only this script needs it. Rotation: README "Cluster security".
set -euo pipefail

usage() {
  echo "usage: $0 OUT_DIR NAME..." >&2
  echo "  makes OUT_DIR/ca.{crt,key} (kept if present) and OUT_DIR/NAME/tls.{crt,key} for each NAME" >&2
  exit 2
}
[ $# -ge 2 ] || usage
command -v openssl >/dev/null || { echo "$0: openssl is not installed" >&2; exit 1; }

out=$1
shift
CA_DAYS=${CA_DAYS:-3650}
CERT_DAYS=${CERT_DAYS:-825}
RENEW_DAYS=${RENEW_DAYS:-30}

for name in "$@"; do
  if ! [[ $name =~ ^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$ ]]; then
    echo "$0: '$name' is not a DNS name (letters, digits, '-', '.'): it becomes the directory and the SAN" >&2
    exit 2
  fi
done

umask 077
[ -d "$out" ] || { mkdir -p "$out"; chmod 755 "$out"; }
ca_crt=$out/ca.crt
ca_key=$out/ca.key

newkey() { # an EC P-256 key, PKCS#8 PEM (what Vert.x's PemKeyCertOptions reads)
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  chmod 600 "$1"
}

if [ -f "$ca_crt" ] && [ -f "$ca_key" ]; then
  echo "CA      $ca_crt (kept: $(openssl x509 -in "$ca_crt" -noout -subject -enddate | tr '\n' ' '))"
elif [ -f "$ca_crt" ] || [ -f "$ca_key" ]; then
  echo "$0: $out has only one of ca.crt and ca.key; restore the other or move both away to make a new CA" >&2
  exit 1
else
  newkey "$ca_key"
  openssl req -x509 -new -key "$ca_key" -sha256 -days "$CA_DAYS" \
    -subj "/CN=${CA_NAME:-favorite-products cluster CA $(date -u +%Y-%m-%d)}" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$ca_crt"
  chmod 644 "$ca_crt"
  echo "CA      $ca_crt (new, $CA_DAYS days) and its key $ca_key (0600: keep it off the nodes)"
fi

for name in "$@"; do
  dir=$out/$name
  crt=$dir/tls.crt
  key=$dir/tls.key
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ -f "$crt" ] && [ -f "$key" ] \
    && openssl verify -CAfile "$ca_crt" "$crt" >/dev/null 2>&1 \
    && openssl x509 -in "$crt" -noout -checkend $((RENEW_DAYS * 86400)) >/dev/null; then
    echo "node    $crt (kept: signed by this CA, valid for more than $RENEW_DAYS days)"
    continue
  fi
  ext=$(mktemp)
  csr=$(mktemp)
  trap 'rm -f "$ext" "$csr"' EXIT
  cat >"$ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:$name
authorityKeyIdentifier=keyid
subjectKeyIdentifier=hash
EOF
  newkey "$key"
  openssl req -new -key "$key" -subj "/CN=$name" -out "$csr"
  openssl x509 -req -in "$csr" -CA "$ca_crt" -CAkey "$ca_key" -set_serial "0x$(openssl rand -hex 16)" \
    -days "$CERT_DAYS" -sha256 -extfile "$ext" -out "$crt" 2>/dev/null
  chmod 644 "$crt"
  rm -f "$ext" "$csr"
  echo "node    $crt and $key (new, $CERT_DAYS days, SAN DNS:$name, serverAuth+clientAuth)"
done
