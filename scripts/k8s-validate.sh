#!/usr/bin/env bash
# make k8s-validate: every object of deploy/k8s against the Kubernetes 1.34 OpenAPI models of the official Java client
# (io.kubernetes:client-java-api 25.0.0, from Maven Central), unknown fields refused; see scripts/k8s-validate/.
#  1. installs the validator's libraries into .k8s-validate/ (gitignored) once, compiles the validator once;
#  2. self-check: each manifest of scripts/k8s-validate/broken/ must be refused, with the error its first line names;
#  3. renders `kubectl kustomize deploy/k8s` and validates the output (without kubectl: the files kustomization.yaml
#     lists, as written, which it says), then secret.example.yaml (not part of the kustomization).
# KUBECTL=... picks the kubectl (KUBECTL= forces the fallback). Exit non-zero on any error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DIR=.k8s-validate
SRC=scripts/k8s-validate
LIB="$DIR/lib"
CLASSES="$DIR/classes"
KUBECTL="${KUBECTL-kubectl}"

key() { sha256sum "$@" | sha256sum | cut -c1-16; }

if [[ ! -f "$LIB/.installed-$(key "$SRC/pom.xml")" ]]; then
  echo "k8s-validate: installing the validator's libraries from Maven Central into $LIB"
  rm -rf "$LIB"
  mvn -B -ntp -q -f "$SRC/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PWD/$LIB"
  touch "$LIB/.installed-$(key "$SRC/pom.xml")"
fi
if [[ ! -f "$CLASSES/.built-$(key "$SRC/K8sValidate.java" "$SRC/pom.xml")" ]]; then
  rm -rf "$CLASSES"
  javac -d "$CLASSES" -cp "$LIB/*" "$SRC/K8sValidate.java"
  touch "$CLASSES/.built-$(key "$SRC/K8sValidate.java" "$SRC/pom.xml")"
fi
validate() { java -XX:TieredStopAtLevel=1 -Xshare:auto -cp "$CLASSES:$LIB/*" K8sValidate --jvm-options conf/jvm.options "$@"; }

validate --self-check "$SRC/broken"

if [[ -n "$KUBECTL" ]] && command -v "$KUBECTL" >/dev/null 2>&1; then
  echo "k8s-validate: rendering deploy/k8s with kubectl kustomize ($("$KUBECTL" version --client 2>/dev/null | tr '\n' ' '))"
  "$KUBECTL" kustomize deploy/k8s > "$DIR/rendered.yaml"
  validate "$DIR/rendered.yaml"
else
  echo "k8s-validate: kubectl not found: validating the files deploy/k8s/kustomization.yaml lists, as written" \
    "(not rendered: kustomize's images: and other transformations are not applied)"
  validate --kustomization deploy/k8s/kustomization.yaml
fi
validate deploy/k8s/secret.example.yaml
echo "k8s-validate: OK"
