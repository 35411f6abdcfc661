#!/bin/sh
# Generates libs/envoy-api/src/gen from Envoy's .proto files shipped in @grpc/grpc-js-xds.
# Also istio-agent's NDS NameTable from proto/istio-api (written from Istio's published nds.proto).
# Nothing is downloaded: buf's binary comes from @bufbuild/buf's platform package,
# protoc-gen-es from node_modules/.bin. Output is deterministic for pinned versions.
set -e
cd "$(dirname "$0")"
ROOT="$(cd .. && pwd)"
DEPS="$ROOT/node_modules/@grpc/grpc-js-xds/deps"
[ -d "$DEPS/envoy-api" ] || { echo "gen.sh: $DEPS missing; run npm install first" >&2; exit 1; }
mkdir -p vendor/pgv/validate
ln -sfn "$DEPS" vendor/xds-deps
# grpc-js-xds ships an old validate.proto without StringRules.ignore_empty (field 26), which
# envoy/config/core/v3/protocol.proto uses. Add the field exactly as upstream PGV declares it.
sed 's|^  optional bool strict = 25 \[default = true\];|&\n  optional bool ignore_empty = 26;|' \
  "$DEPS/protoc-gen-validate/validate/validate.proto" > vendor/pgv/validate/validate.proto
grep -q 'ignore_empty = 26' vendor/pgv/validate/validate.proto || { echo "gen.sh: validate.proto patch did not apply" >&2; exit 1; }
PATH="$ROOT/node_modules/.bin:$PATH" buf generate
