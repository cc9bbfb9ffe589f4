#!/usr/bin/env node
// Peer for the per-Run overhead benchmark: onnxruntime-node running a model file with the same thread settings as
// the .NET side (intra/inter-op threads, spinning off, sequential execution). It loads the native ONNX Runtime of
// its own npm package (its symbols are versioned, so it cannot load another build); the JSON names that file.
// Prints one JSON object with per-run microseconds.
//
//   node benchmarks/peers/ort-node-overhead.js --model add.onnx --input a:1,4 --input b:1,4 [--runs 20000] [--warmup 2000]
//        [--intra 1] [--inter 1] [--ort .cache/ort-node/<version>/node_modules/onnxruntime-node]
'use strict';
const path = require('path');
const fs = require('fs');
const crypto = require('crypto');

function parseArgs(argv) {
  const args = { inputs: [], runs: 20000, warmup: 2000, intra: 1, inter: 1, ort: null };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value for --${key}`);
    if (key === 'input') {
      const [name, dims] = value.split(':');
      args.inputs.push({ name, dims: dims.split(',').map(Number) });
    } else if (['runs', 'warmup', 'intra', 'inter'].includes(key)) {
      args[key] = Number(value);
    } else if (key === 'model' || key === 'ort') {
      args[key] = value;
    } else {
      throw new Error(`unknown option --${key}`);
    }
  }
  if (!args.model) throw new Error('--model is required');
  if (!args.ort) throw new Error('--ort <onnxruntime-node package folder> is required');
  if (args.inputs.length === 0) throw new Error('at least one --input name:d1,d2,... is required');
  return args;
}

// The libonnxruntime file this process really mapped, whatever the addon's run path chose.
function mappedNativeLibrary() {
  const files = new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\n')
    .map((line) => line.trim().split(/\s+/).slice(5).join(' '))
    .filter((file) => path.basename(file).startsWith('libonnxruntime.so')));
  if (files.size !== 1) throw new Error(`expected one mapped libonnxruntime.so, found ${files.size}: ${[...files].join(', ')}`);
  return [...files][0];
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = require(path.resolve(args.ort));
  const session = await ort.InferenceSession.create(path.resolve(args.model), {
    executionProviders: ['cpu'],
    intraOpNumThreads: args.intra,
    interOpNumThreads: args.inter,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });

  // Same deterministic pattern for every input; the values do not matter for overhead, only that they are fixed.
  const feeds = {};
  for (const input of args.inputs) {
    const count = input.dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = ((i % 17) - 8) / 8;
    feeds[input.name] = new ort.Tensor('float32', data, input.dims);
  }

  for (let i = 0; i < args.warmup; i++) await session.run(feeds);

  const perRun = new Float64Array(args.runs);
  const start = process.hrtime.bigint();
  for (let i = 0; i < args.runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    perRun[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalUs = Number(process.hrtime.bigint() - start) / 1000;
  perRun.sort();

  const nativeLibrary = mappedNativeLibrary();
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(nativeLibrary)).digest('hex');
  console.log(JSON.stringify({
    peer: 'onnxruntime-node',
    version: require(path.join(path.resolve(args.ort), 'package.json')).version,
    model: path.resolve(args.model),
    runs: args.runs,
    intra_op_threads: args.intra,
    inter_op_threads: args.inter,
    mean_us: totalUs / args.runs,
    median_us: perRun[Math.floor(args.runs / 2)],
    p10_us: perRun[Math.floor(args.runs * 0.1)],
    p90_us: perRun[Math.floor(args.runs * 0.9)],
    native_library: nativeLibrary,
    native_library_sha256: sha256,
  }));
  await session.release();
}

main().catch((error) => {
  console.error(`ort-node-overhead: ${error.message}`);
  process.exit(1);
});
