#!/bin/sh
# Regenerates libs/ca/src/gen/ca_pb.ts from proto/ca.proto with the repo's pinned buf and
# protoc-gen-es (nothing is downloaded). The output is committed: it changes only with ca.proto.
set -e
cd "$(dirname "$0")"
ROOT="$(cd ../../.. && pwd)"
PATH="$ROOT/node_modules/.bin:$PATH" buf generate
