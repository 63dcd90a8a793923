# shellcheck shell=bash
# lib.sh - helpers for the integration tests, sourced by run.sh into the
# bash that runs each test (under set -euo pipefail).
#
# On entry the harness has exported:
#   MMFS          the daemon binary (absolute path)
#   MNT           the mount of this test, already mounted
#   MMFS_PID      the pid of that daemon (run with -f, so it is our child)
#   MMFS_OPTIONS  the options it was started with (from "# mmfs-options:")
#   WORK          a scratch directory, removed after the test
#   MMFS_IT_DIR   the directory holding this file and the reference key lists
#
# Failures print what was expected and what was seen, then exit 1.

PY=/usr/bin/python3	# Debian's python, the one python3-psutil installs into

# ---- the simulated processes ----

# mmap_anon PID SIZE [PROT]: map SIZE of private anonymous memory (PROT rw- by
# default) in process PID; prints the address the model chose
mmap_anon() {
	local addr fd
	exec {fd}<>"$MNT/proc/$1/ctl"
	echo "mmap 0 $2 ${3:-rw-} private,anon" >&"$fd"
	read -r addr <&"$fd"
	exec {fd}>&-
	echo "$addr"
}

# ---- failing with a clear message ----

fail() {
	local i
	printf 'FAIL: %s\n' "$*" >&2
	for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
		[[ ${FUNCNAME[$i]} == assert_* || ${FUNCNAME[$i]} == expect_* ]] && continue
		printf '  at %s:%s\n' "${BASH_SOURCE[$i]##*/}" "${BASH_LINENO[$((i - 1))]}" >&2
		break
	done
	exit 1
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
	[[ "$1" == "$2" ]] && return 0
	fail "${3:-value}: expected [$1], got [$2]"
}

# assert_ne UNEXPECTED ACTUAL [WHAT]
assert_ne() {
	[[ "$1" != "$2" ]] && return 0
	fail "${3:-value}: expected anything but [$1]"
}

# assert_match ERE ACTUAL [WHAT]
assert_match() {
	[[ "$2" =~ $1 ]] && return 0
	fail "${3:-value}: expected a match for /$1/, got [$2]"
}

# assert_lt A B [WHAT]: integers, A < B
assert_lt() {
	(($1 < $2)) && return 0
	fail "${3:-value}: expected $1 < $2"
}

# assert_file_eq FILE_A FILE_B [WHAT]: byte-identical, or a diff is shown
assert_file_eq() {
	cmp -s "$1" "$2" && return 0
	diff -u "$1" "$2" | head -40 >&2 || true
	fail "${3:-files}: $1 and $2 differ"
}

# assert_exists PATH / assert_missing PATH
assert_exists() {
	[[ -e "$1" ]] || fail "expected $1 to exist"
}
assert_missing() {
	[[ ! -e "$1" ]] || fail "expected $1 not to exist"
}

# expect_fail TEXT CMD...: the command must exit non-zero and print TEXT
# (a fixed string, e.g. strerror of the errno) on stderr. The command runs
# in a child bash so that redirection errors are caught too.
expect_fail() {
	local want=$1 err rc=0
	shift
	err=$(bash -c "$*" 2>&1 >/dev/null) || rc=$?
	((rc != 0)) || fail "expected failure ($want) from: $*"
	[[ "$err" == *"$want"* ]] ||
		fail "from: $*: expected [$want] on stderr, got [$err]"
}

# expect_ok CMD...: the command must exit 0 (its stderr is shown otherwise)
expect_ok() {
	local err rc=0
	err=$(bash -c "$*" 2>&1 >/dev/null) || rc=$?
	((rc == 0)) || fail "expected success from: $*: exit $rc: $err"
}

# ---- reading the files ----

# meminfo_kb KEY [ROOT]: the value of a meminfo line, without the unit
meminfo_kb() {
	awk -v k="$1:" '$1 == k { print $2; found = 1 } END { exit !found }' \
		"${2:-$MNT}/proc/meminfo" || fail "meminfo has no $1"
}

# vmstat_val KEY [ROOT]
vmstat_val() {
	awk -v k="$1" '$1 == k { print $2; found = 1 } END { exit !found }' \
		"${2:-$MNT}/proc/vmstat" || fail "vmstat has no $1"
}

# status_kb KEY PID [ROOT]: a Vm*/Rss* value of proc/PID/status
status_kb() {
	awk -v k="$1:" '$1 == k { print $2; found = 1 } END { exit !found }' \
		"${3:-$MNT}/proc/$2/status" || fail "proc/$2/status has no $1"
}

# pids [ROOT]: the numeric entries of proc/, one per line, ascending
pids() {
	ls "${1:-$MNT}/proc" | grep -E '^[0-9]+$' | sort -n
}

# in_proc_ns CMD...: run CMD with MNT/proc bind-mounted over /proc in a
# private mount namespace, so unchanged procps reads the simulation.
in_proc_ns() {
	unshare -m --propagation private -- \
		sh -c 'mount --bind "$0/proc" /proc && exec "$@"' "$MNT" "$@"
}

# ---- more mounts (the harness's own mount is $MNT) ----

declare -A _MMFS_PID=() _MMFS_ERR=()
_MMFS_SEQ=0

# mmfs_mount DIR [OPTION...]: start a daemon in the foreground on DIR (created
# if needed; backing= defaults to a directory in WORK) and wait until DIR is
# really mounted and answers. Sets MMFS_LAST_PID. The
# daemon's stderr goes to $WORK/mmfs-N.err, checked by mmfs_umount.
mmfs_mount() {
	local dir=$1 timeout=${MMFS_MOUNT_TIMEOUT:-10} i pid err
	shift
	mkdir -p "$dir" 2>/dev/null || true	# a dead mount there is the daemon's to clear
	_MMFS_SEQ=$((_MMFS_SEQ + 1))
	err="$WORK/mmfs-$_MMFS_SEQ.err"
	[[ "$*" == *backing=* ]] || set -- "$@" -o "backing=$WORK/backing-$_MMFS_SEQ"
	"$MMFS" -f "$@" "$dir" >"$WORK/mmfs-$_MMFS_SEQ.out" 2>"$err" &
	pid=$!
	_MMFS_PID[$dir]=$pid
	_MMFS_ERR[$dir]=$err
	# a live mount answers a read; a dead one left on dir is a mount point too,
	# and the kernel's entry cache may still say its files exist for a second
	for ((i = 0; i < timeout * 20; i++)); do
		head -c 1 "$dir/proc/meminfo" >/dev/null 2>&1 && { MMFS_LAST_PID=$pid; return 0; }
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "_MMFS_PID[$dir]"
	fail "mmfs $* $dir did not mount within ${timeout}s; stderr: $(cat "$err")"
}

# mmfs_daemon_ok NAME PID ERRFILE: wait for a daemon after its unmount and
# judge how it ended. Prints the problem and returns 1 if it was bad.
mmfs_daemon_ok() {
	local name=$1 pid=$2 errf=$3 i rc=0
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		echo "FAIL: $name: daemon still running 10s after unmount" >&2
		return 1
	fi
	wait "$pid" || rc=$?
	if ((rc != 0)); then
		echo "FAIL: $name: daemon exited with status $rc; stderr:" >&2
		cat "$errf" >&2
		return 1
	fi
	if grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$errf"; then
		echo "FAIL: $name: sanitizer report in the daemon's stderr:" >&2
		cat "$errf" >&2
		return 1
	fi
	return 0
}

# mmfs_umount DIR: unmount a mount made by mmfs_mount and check that its
# daemon exited 0 with no sanitizer report.
mmfs_umount() {
	local dir=$1 pid=${_MMFS_PID[$1]:-}
	[[ -n $pid ]] || fail "mmfs_umount: $dir was not mounted by mmfs_mount"
	unset "_MMFS_PID[$dir]"
	fusermount3 -u "$dir" || fusermount3 -u -z "$dir" ||
		fail "fusermount3 -u $dir failed"
	mmfs_daemon_ok "$dir" "$pid" "${_MMFS_ERR[$dir]}" || exit 1
}

# Whatever a test leaves mounted is unmounted when it exits, pass or fail.
_mmfs_cleanup_extra() {
	local dir
	for dir in "${!_MMFS_PID[@]}"; do
		fusermount3 -u "$dir" 2>/dev/null || fusermount3 -u -z "$dir" 2>/dev/null || true
		kill "${_MMFS_PID[$dir]}" 2>/dev/null || true
	done
}
trap _mmfs_cleanup_extra EXIT

# zoneinfo_table [ROOT]: one line per zone, "NODE,ZONE free min low high managed"
zoneinfo_table() {
	awk '
	function out() { if (key != "") print key, free, wmin, wlow, whigh, managed }
	/^Node / { out(); key = $2 $4; free = wmin = wlow = whigh = managed = "?" }
	$1 == "pages" && $2 == "free" { free = $3 }
	$1 == "min" { wmin = $2 }
	$1 == "low" { wlow = $2 }
	$1 == "high" { whigh = $2 }
	$1 == "managed" { managed = $2 }
	END { out() }' "${1:-$MNT}/proc/zoneinfo"
}

# buddyinfo_table [ROOT]: one line per zone, "NODE,ZONE free_pages"
buddyinfo_table() {
	awk '{ s = 0; for (i = 5; i <= NF; i++) s += $i * 2 ^ (i - 5); printf "%s%s %.0f\n", $2, $4, s }' \
		"${1:-$MNT}/proc/buddyinfo"
}
