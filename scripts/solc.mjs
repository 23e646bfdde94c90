#!/usr/bin/env node
// Compiles Solidity sources with the pinned solc (npm package `solc`, see package.json) through
// the standard-JSON interface and writes, per contract, one JSON artifact:
//   { "contract", "source", "compiler", "abi", "bytecode", "deployedBytecode" }
//
//   node scripts/solc.mjs --out DIR [--remap prefix=path] FILE.sol...
//
// Imports are resolved relative to the importing file and to the repository root.
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, resolve, relative, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const solc = require("solc");
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const args = process.argv.slice(2);
let out = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--out") out = args[++i];
  else files.push(args[i]);
}
if (!out || files.length === 0) {
  console.error("usage: node scripts/solc.mjs --out DIR FILE.sol...");
  process.exit(2);
}

const sources = {};
for (const f of files) {
  const key = relative(root, resolve(f));
  sources[key] = { content: readFileSync(resolve(root, key), "utf8") };
}
const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
  },
};
function findImports(path) {
  for (const base of [root]) {
    const p = resolve(base, path);
    if (existsSync(p)) return { contents: readFileSync(p, "utf8") };
  }
  return { error: `not found: ${path}` };
}
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const e of output.errors ?? []) {
  console.error(e.formattedMessage);
  if (e.severity === "error") failed = true;
}
if (failed) process.exit(1);
mkdirSync(out, { recursive: true });
for (const [source, contracts] of Object.entries(output.contracts)) {
  if (!sources[source]) continue; // only artifacts of the files asked for
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces and abstract contracts
    const artifact = {
      contract: name,
      source,
      compiler: solc.version(),
      abi: c.abi,
      bytecode: "0x" + c.evm.bytecode.object,
      deployedBytecode: "0x" + c.evm.deployedBytecode.object,
    };
    writeFileSync(join(out, `${name}.json`), JSON.stringify(artifact, null, 2) + "\n");
    console.log(`${join(out, name + ".json")}: ${c.evm.deployedBytecode.object.length / 2} bytes runtime`);
  }
}
