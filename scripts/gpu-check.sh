#!/usr/bin/env bash
# Packs scripts/gpu-check.ts for the GPU machine (no node there, nothing to fetch): a bundle, the
# node binary and onnxruntime-node's CPU build, compressed to fit the tool's 64 MiB. Writes .gpu/.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .gpu && mkdir -p .gpu/node_modules/onnxruntime-node/bin/napi-v6/linux
npx esbuild scripts/gpu-check.ts --bundle --platform=node --format=esm --external:onnxruntime-node --outfile=.gpu/gpu-check.mjs --log-level=warning
ort=node_modules/onnxruntime-node
cp -r "$ort/package.json" "$ort/dist" .gpu/node_modules/onnxruntime-node/
cp -r "$ort/bin/napi-v6/linux/x64" .gpu/node_modules/onnxruntime-node/bin/napi-v6/linux/
cp -r node_modules/onnxruntime-common .gpu/node_modules/
tar -C .gpu -cJf .gpu/payload.tar.xz node_modules
rm -rf .gpu/node_modules
xz -T2 -c "$(command -v node)" > .gpu/node.xz
du -sh .gpu
