# shellcheck shell=bash
# deps.sh - sourced by mmfs-up and run-tests: install from Debian whatever the
# build and the tests need and is not installed yet. Nothing is touched when
# everything is present; apt-get update runs once, only when something is
# missing. Works without a terminal (CI=true, no stdin).

MMFS_DEPS=(
	gcc meson ninja-build pkg-config	# build
	libfuse3-dev fuse3 libpcre2-dev		# the daemon
	liblz4-dev libzstd-dev			# zswap's compressors (doc/zswap.md)
	libcriterion-dev			# unit tests
	procps python3 python3-psutil util-linux	# integration tests
	numactl hwloc-nox			# tests/integration/numa.sh
	groff-base				# the man pages' test renders them
	sysvinit-utils				# pidof (Debian's is not procps's)
	strace perl gzip			# tests/integration/strace.sh traces real programs
	trace-cmd				# tests/integration/trace.sh: trace-cmd show finds tracefs
	sysstat					# iostat: tests/integration/owner_io.sh reads diskstats with it
)

# The browser test (tests/integration/view_browser.sh) draws view/'s pictures
# with headless chromium; without it that test skips. run-tests installs it.
# shellcheck disable=SC2034  # used by the scripts that source this file
MMFS_BROWSER_DEPS=(
	chromium fonts-dejavu-core
)

# The fuzz step of run-tests (scripts/fuzz): libFuzzer ships with clang's
# compiler-rt, not with gcc; llvm-14 brings llvm-symbolizer for readable
# sanitizer stacks. mmfs-up does not need them.
# shellcheck disable=SC2034  # used by the scripts that source this file
MMFS_FUZZ_DEPS=(
	clang-14 libclang-rt-14-dev llvm-14
)

# mmfs_install_deps [PKG...]: 0 when MMFS_DEPS and the PKGs named are all
# installed, or after installing them; non-zero (apt-get's status) when
# they cannot be installed.
mmfs_install_deps() {
	local pkg missing=() sudo=()
	for pkg in "${MMFS_DEPS[@]}" "$@"; do
		if [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) != installed ]]; then
			missing+=("$pkg")
		fi
	done
	((${#missing[@]} == 0)) && return 0

	if ((EUID != 0)); then
		if command -v sudo >/dev/null; then
			sudo=(sudo -n)
		else
			echo "mmfs: missing packages: ${missing[*]}; run as root to install them" >&2
			return 1
		fi
	fi
	echo "mmfs: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -q </dev/null >&2
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" </dev/null >&2
}
