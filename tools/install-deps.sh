#!/usr/bin/env bash
# Install the Debian packages rlc builds, tests and benchmarks with, if any
# is missing.  Sourced or run by tools/demo/demo.sh, tests/run-all.sh and
# .ci/run.  Uses sudo when not root.
set -euo pipefail

rlc_packages=(
	meson ninja-build gcc g++ pkg-config python3 tmux
	liburing-dev libiniparser-dev libcmocka-dev scdoc
	spin redis-server libhiredis-dev
	clang-14 libclang-rt-14-dev
	libsystemd-dev prometheus curl systemd
	python3-dev python3-aiohttp python3-requests python3-httpx python3-redis
	python3-pytest python3-pytest-asyncio libcurl4-openssl-dev
)

rlc_install_deps() {
	local missing=() p sudo=()
	for p in "${rlc_packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	# Node.js 18 or later with its headers and npm, for bindings/node: the
	# machine's own when it has one, else Debian's
	command -v npm >/dev/null && [ -f /usr/include/node/node_api.h ] ||
		missing+=(nodejs npm libnode-dev)
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	echo "installing: ${missing[*]}"
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	rlc_install_deps
fi
