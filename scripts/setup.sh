#!/usr/bin/env bash
# Installs what building and testing Tributary needs. Idempotent: safe to run any number of
# times; a second run only checks.
#
# - the pinned Rust toolchain (rust-toolchain.toml) with rust-src, rustfmt, clippy and the
#   wasm32-unknown-unknown target. Toolchains are not auto-installed on these machines
#   (RUSTUP_AUTO_INSTALL=0), so it is installed explicitly.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)

if ! command -v rustup >/dev/null 2>&1; then
  echo "setup: rustup is required (https://rustup.rs) to install $TOOLCHAIN" >&2
  exit 1
fi

have_toolchain() {
  rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1 &&
    rustup component list --toolchain "$TOOLCHAIN" --installed 2>/dev/null | grep -q '^rust-src' &&
    rustup component list --toolchain "$TOOLCHAIN" --installed 2>/dev/null | grep -q '^clippy' &&
    rustup component list --toolchain "$TOOLCHAIN" --installed 2>/dev/null | grep -q '^rustfmt' &&
    rustup target list --toolchain "$TOOLCHAIN" --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'
}

if have_toolchain; then
  echo "setup: $TOOLCHAIN with rust-src, rustfmt, clippy and wasm32-unknown-unknown is installed"
else
  echo "setup: installing $TOOLCHAIN"
  rustup toolchain install "$TOOLCHAIN" --profile minimal \
    --component rust-src,rustfmt,clippy --target wasm32-unknown-unknown
fi

# binaryen's wasm-opt: the contract build runs `wasm-opt -Oz` before Nitro's checks.
if command -v wasm-opt >/dev/null 2>&1; then
  echo "setup: wasm-opt ($(wasm-opt --version)) is installed"
else
  echo "setup: installing binaryen (wasm-opt)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq binaryen
fi

# Headless Chromium: the explorer's browser test (tests/explorer_page.rs) loads its web page,
# lets the page's scripts run and reads the DOM and a screenshot.
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  echo "setup: chromium ($( (chromium --version || chromium-browser --version) 2>/dev/null | head -n 1)) is installed"
else
  echo "setup: installing chromium (headless browser for the explorer's page test)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

# cargo-stylus, pinned: scripts/cargo-stylus-smoke.sh checks and deploys every contract with it
# (Stylus.toml). Installed only when missing or another version, with --locked; built by the
# stable toolchain when rustup has one (cargo-stylus needs Rust >= 1.91, the pinned nightly is a
# 1.91 nightly), else by the pinned one. Measured: 411 s on 2 otherwise idle cores (fresh target
# dir); a CI machine that keeps ~/.cargo/bin pays it once.
CARGO_STYLUS_VERSION=0.10.10
if command -v cargo-stylus >/dev/null 2>&1 &&
  [ "$(cargo-stylus stylus --version 2>/dev/null)" = "stylus $CARGO_STYLUS_VERSION" ]; then
  echo "setup: cargo-stylus $CARGO_STYLUS_VERSION is installed"
else
  echo "setup: installing cargo-stylus $CARGO_STYLUS_VERSION"
  if rustup run stable cargo --version >/dev/null 2>&1; then STYLUS_TOOLCHAIN=stable; else STYLUS_TOOLCHAIN=$TOOLCHAIN; fi
  (cd / && rustup run "$STYLUS_TOOLCHAIN" cargo install cargo-stylus --version "$CARGO_STYLUS_VERSION" --locked)
fi

# Ethereum tools from the npm registry, pinned in package.json / package-lock.json:
# cast (Foundry) for the operator scripts, solc for the Solidity examples and fixtures, and viem
# for scripts/viem-check.mjs.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: npm (Node.js) is required for cast, solc and viem" >&2
  exit 1
fi
npm_version() { node -p "require('./$1').${2:-version}" 2>/dev/null || true; }
if [ -x node_modules/.bin/cast ] && [ -x node_modules/.bin/solcjs ] &&
  node_modules/.bin/cast --version >/dev/null 2>&1 &&
  [ "$(npm_version node_modules/viem/package.json)" = "$(npm_version package.json devDependencies.viem)" ]; then
  echo "setup: npm tools (cast, solc, viem) are installed"
else
  echo "setup: installing npm tools (cast, solc, viem)"
  npm ci --no-audit --no-fund
fi
