#!/usr/bin/env node
// Drives a running devnode the way a viem app does over HTTP, with viem itself (pinned in
// package.json): a dev account from eth_accounts as a JSON-RPC account deploys a tiny EVM
// contract that emits `Ping(uint256)`, `watchContractEvent` follows it through polling filters
// (eth_newFilter + eth_getFilterChanges) while a transaction emits the event, and the account
// signs a message and EIP-712 typed data through the node (personal_sign,
// eth_signTypedData_v4); the signatures must recover to the account. Fails on the first
// mismatch.
//
//   node scripts/viem-check.mjs [RPC_URL]       (default: $RPC_URL, else http://127.0.0.1:8547)
//   bash scripts/with-devnode.sh node scripts/viem-check.mjs
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  getAddress,
  http,
  parseAbi,
  recoverMessageAddress,
  recoverTypedDataAddress,
  toEventSelector,
} from "viem";

const url = process.argv[2] ?? process.env.RPC_URL ?? "http://127.0.0.1:8547";
let checks = 0;
function expect(name, actual, wanted) {
  if (actual !== wanted) {
    throw new Error(`${name}: got ${String(actual)}, want ${String(wanted)}`);
  }
  checks += 1;
}
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Every JSON-RPC method viem sends, to check that the event came through filters (viem falls
// back to eth_getLogs silently when eth_newFilter fails).
const methods = new Set();
const transport = http(url, {
  async onFetchRequest(request) {
    const body = await request.clone().json();
    for (const call of Array.isArray(body) ? body : [body]) methods.add(call.method);
  },
});

async function main() {
  const probe = createPublicClient({ transport });
  const chainId = await probe.getChainId();
  const chain = defineChain({
    id: chainId,
    name: "devnode",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 100 });
  const [account] = await createWalletClient({ chain, transport }).getAddresses();
  // An address (not a local key) is a JSON-RPC account: the node signs.
  const wallet = createWalletClient({ chain, transport, account });

  // ping(uint256 v): mstore(0, calldataload(4)); log1(0, 32, Ping's topic); stop. 45 bytes of
  // runtime behind `codecopy(0, 12, 45); return(0, 45)`.
  const abi = parseAbi(["event Ping(uint256 value)", "function ping(uint256 value)"]);
  const topic = toEventSelector("Ping(uint256)");
  const runtime = `6004356000527f${topic.slice(2)}60206000a100`;
  const bytecode = `0x602d600c600039602d6000f3${runtime}`;
  const deployed = await publicClient.waitForTransactionReceipt({
    hash: await wallet.deployContract({ abi, bytecode }),
  });
  expect("deploy status", deployed.status, "success");
  const address = deployed.contractAddress;

  // watchContractEvent over HTTP polls a filter; the event is emitted while it watches.
  let unwatch = () => {};
  const arrived = new Promise((resolve, reject) => {
    unwatch = publicClient.watchContractEvent({
      address,
      abi,
      eventName: "Ping",
      poll: true,
      pollingInterval: 100,
      onLogs: (logs) => resolve(logs),
      onError: reject,
    });
  });
  try {
    await within(10_000, "eth_newFilter from watchContractEvent", (async () => {
      while (!methods.has("eth_newFilter")) await new Promise((r) => setTimeout(r, 20));
    })());
    const hash = await wallet.sendTransaction({
      to: address,
      data: encodeFunctionData({ abi, functionName: "ping", args: [42n] }),
    });
    const logs = await within(10_000, "the Ping event", arrived);
    expect("events", logs.length, 1);
    expect("event name", logs[0].eventName, "Ping");
    expect("event value", logs[0].args.value, 42n);
    expect("event transaction", logs[0].transactionHash, hash);
    expect("polled with eth_getFilterChanges", methods.has("eth_getFilterChanges"), true);
  } finally {
    unwatch();
  }

  // personal_sign and eth_signTypedData_v4 with the dev account, through the node.
  const message = "Sign in to Tributary";
  const signed = await wallet.signMessage({ message });
  expect("personal_sign signer", await recoverMessageAddress({ message, signature: signed }), getAddress(account));
  const typedData = {
    domain: { name: "Tributary", version: "1", chainId, verifyingContract: address },
    types: {
      Person: [
        { name: "name", type: "string" },
        { name: "wallet", type: "address" },
      ],
      License: [
        { name: "holder", type: "Person" },
        { name: "datasets", type: "bytes32[]" },
        { name: "samples", type: "uint256" },
      ],
    },
    primaryType: "License",
    message: {
      holder: { name: "lab", wallet: account },
      datasets: [`0x${"ab".repeat(32)}`, `0x${"cd".repeat(32)}`],
      samples: 62_500n,
    },
  };
  const signature = await wallet.signTypedData(typedData);
  expect("eth_signTypedData_v4 used", methods.has("eth_signTypedData_v4"), true);
  const signer = await recoverTypedDataAddress({ ...typedData, signature });
  expect("eth_signTypedData_v4 signer", signer, getAddress(account));

  console.log(`viem-check: ${checks} checks passed against ${url}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`viem-check: ${error.message ?? error}`);
    process.exit(1);
  },
);
