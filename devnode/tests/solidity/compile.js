const solc = require('solc');
const fs = require('fs');
const dir = process.argv[2];
const sources = {};
for (const f of fs.readdirSync(dir).filter(f => f.endsWith('.sol'))) sources[f] = { content: fs.readFileSync(dir + '/' + f, 'utf8') };
const input = { language: 'Solidity', sources, settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection: { '*': { '*': ['evm.bytecode.object'] } } } };
const out = JSON.parse(solc.compile(JSON.stringify(input)));
if (out.errors) for (const e of out.errors) { console.error(e.formattedMessage); if (e.severity === 'error') process.exit(1); }
for (const f in out.contracts) for (const c in out.contracts[f]) {
  fs.writeFileSync(dir + '/' + c + '.bin', out.contracts[f][c].evm.bytecode.object + '\n');
  console.log(c, out.contracts[f][c].evm.bytecode.object.length / 2, 'bytes');
}
console.log('solc', solc.version());
