#!/usr/bin/env bash
# run.sh MMFS_BINARY TEST_SCRIPT - run one integration test against a fresh mount.
#
# Mounts MMFS_BINARY -f [options] on a temporary directory (options from a
# "# mmfs-options: ..." line of the test, plus backing= in the scratch
# directory; "# mmfs-mount-timeout: SECONDS"
# overrides the 10 s wait), runs the test with bash -euo pipefail and the
# helpers of lib.sh, then unmounts. The test fails if the script fails, if the
# daemon exits non-zero, or if its stderr holds a sanitizer report. Nothing is
# left mounted, whatever happens.
set -euo pipefail

if (($# != 2)); then
	echo "usage: $0 MMFS_BINARY TEST_SCRIPT" >&2
	exit 2
fi
MMFS=$(realpath "$1")
TEST=$(realpath "$2")
MMFS_IT_DIR=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
NAME=$(basename "$TEST" .sh)

[[ $(id -u) == 0 ]] || { echo "$NAME: needs root (FUSE mounts, unshare)" >&2; exit 77; }
[[ -c /dev/fuse ]] || { echo "$NAME: no /dev/fuse" >&2; exit 77; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmfs-it-$NAME.XXXXXX")
MNT="$WORK/mnt"
ERR="$WORK/mmfs.err"
MMFS_PID=
mkdir -p "$MNT"

read -r -a OPTS <<<"$(sed -n 's/^# mmfs-options:[[:space:]]*//p' "$TEST" | head -n1)"
TIMEOUT=$(sed -n 's/^# mmfs-mount-timeout:[[:space:]]*\([0-9]\+\).*/\1/p' "$TEST" | head -n1)
TIMEOUT=${TIMEOUT:-10}
# The daemon's default backing directory is a fresh one in /tmp, kept after
# unmount: give it one inside WORK instead, unless the test chooses.
[[ "${OPTS[*]}" == *backing=* ]] || OPTS+=(-o "backing=$WORK/backing")

# shellcheck source=lib.sh
source "$MMFS_IT_DIR/lib.sh"
trap - EXIT	# lib.sh's trap is for the test's own bash

cleanup() {
	local rc=$? m
	trap - EXIT INT TERM
	if [[ -n $MMFS_PID ]]; then
		if mountpoint -q "$MNT" || grep -qF " $MNT " /proc/mounts; then
			fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -u -z "$MNT" 2>/dev/null || true
		fi
		mmfs_daemon_ok "$NAME" "$MMFS_PID" "$ERR" || rc=1
	fi
	# Anything a crashed test left mounted under WORK.
	while read -r m; do
		fusermount3 -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		echo "$NAME: left mounted, unmounted: $m" >&2
		rc=1
	done < <(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts)
	if ((rc == 0)); then
		rm -rf "$WORK"
	else
		if [[ -s $ERR ]]; then
			echo "$NAME: the daemon's stderr (last lines):" >&2
			tail -n 20 "$ERR" >&2
		fi
		echo "$NAME: FAILED (rc $rc); scratch kept in $WORK" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start=$(date +%s%N)
"$MMFS" -f "${OPTS[@]}" "$MNT" >"$WORK/mmfs.out" 2>"$ERR" &
MMFS_PID=$!
for ((i = 0; i < TIMEOUT * 20; i++)); do
	mountpoint -q "$MNT" && break
	if ! kill -0 "$MMFS_PID" 2>/dev/null; then
		echo "$NAME: mmfs ${OPTS[*]} exited before mounting" >&2
		wait "$MMFS_PID" || true
		MMFS_PID=
		exit 1
	fi
	sleep 0.05
done
if ! mountpoint -q "$MNT"; then
	echo "$NAME: mmfs ${OPTS[*]} did not mount within ${TIMEOUT}s" >&2
	kill "$MMFS_PID" 2>/dev/null || true
	exit 1
fi
MMFS_MOUNT_MS=$((($(date +%s%N) - start) / 1000000))

export MMFS MNT MMFS_PID WORK MMFS_IT_DIR MMFS_MOUNT_MS
# the test's own options, without the backing= added above
MMFS_OPTIONS=$(sed -n 's/^# mmfs-options:[[:space:]]*//p' "$TEST" | head -n1)
export MMFS_OPTIONS

rc=0
(cd "$WORK" && bash -euo pipefail -c 'source "$MMFS_IT_DIR/lib.sh"; source "$1"' "$NAME" "$TEST") || rc=$?
if ((rc != 0)); then
	echo "$NAME: test script failed (exit $rc)" >&2
	exit "$rc"
fi

fusermount3 -u "$MNT" || { echo "$NAME: fusermount3 -u failed" >&2; exit 1; }
pid=$MMFS_PID
MMFS_PID=
mmfs_daemon_ok "$NAME" "$pid" "$ERR" || exit 1
echo "$NAME: ok"
