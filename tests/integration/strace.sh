# strace.sh - a real program's strace becomes a simulated process, and the
# host kernel judges it: for each program, run it on the host with ASLR off
# twice, under strace -f (the trace) and under exit_maps (its maps at its
# exit_group stop); replay the trace with mmfs-replay into a process of a
# machine mounted with lower=/, which stops before the exit_group, and
# compare the maps: every VMA's start, end, perms, offset and path, [stack]
# by its end only (its growth comes from faults no trace shows). Then the
# live form (strace -f -o MOUNT/proc/PID/ctl) and the replay tool's summary.
# mmfs-options: -o lower=/,ram=1G

EXIT_MAPS=${MMFS_EXIT_MAPS:-}
REPLAY=${MMFS_REPLAY:-}
if [[ -z $EXIT_MAPS ]]; then	# run by hand: build the probe here
	EXIT_MAPS=$WORK/exit_maps
	gcc -O1 -o "$EXIT_MAPS" "$MMFS_IT_DIR/exit_maps.c" || fail "cannot build exit_maps"
fi
[[ -n $REPLAY ]] || REPLAY=$(dirname "$(dirname "$MMFS")")/tools/mmfs-replay
[[ -x $REPLAY ]] || fail "no mmfs-replay at $REPLAY"
command -v strace >/dev/null || fail "strace is needed (scripts/deps.sh installs it)"
command -v setarch >/dev/null || fail "setarch (util-linux) is needed"

# The programs run with one small environment, the same in both runs.
run_env=(env -i PATH=/usr/bin:/bin LANG=C PYTHONHASHSEED=0 HOME=/nonexistent)
seq 1 2000 | sort -R --random-source=/dev/zero >"$WORK/numbers.txt"
head -c 300000 /usr/bin/ls >"$WORK/blob"
cat >"$WORK/threads.c" <<'EOF'
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
static void *work(void *a)
{
	char *p = malloc(200000);	/* a thread's arena, then an mmap'd chunk */
	memset(p, 1, 200000);
	free(p);
	return a;
}
int main(void)
{
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	return 0;
}
EOF
gcc -O1 -pthread -o "$WORK/threads" "$WORK/threads.c" || fail "cannot build the threaded program"

# maps lines as compared: start-end perms offset path; [stack] by its end
shape() {
	awk '{ split($1, r, "-"); if ($6 == "[stack]") $1 = "...-" r[2]; print $1, $2, $3, $6 }'
}

# same_as_host NAME PROGRAM ARG...: the replayed process's maps are the host's
same_as_host() {
	local name=$1 pid out
	shift
	(cd "$WORK" && setarch -R "${run_env[@]}" strace -f -o "$WORK/$name.trace" "$@" \
		>/dev/null) || fail "strace $*"
	(cd "$WORK" && setarch -R "${run_env[@]}" "$EXIT_MAPS" "$@") >"$WORK/$name.host" ||
		fail "exit_maps $*"
	out=$("$REPLAY" -q "$MNT" "$WORK/$name.trace") ||
		fail "mmfs-replay refused lines of $name: $out"
	pid=$(sed -n 's/^mmfs-replay: pid \([0-9]*\):.*/\1/p' <<<"$out")
	[[ -n $pid ]] || fail "mmfs-replay said no pid: $out"
	shape <"$WORK/$name.host" >"$WORK/$name.host.shape"
	shape <"$MNT/proc/$pid/maps" >"$WORK/$name.mmfs.shape"
	assert_file_eq "$WORK/$name.host.shape" "$WORK/$name.mmfs.shape" \
		"maps of $name at its exit_group"
	echo "strace: $name: $(wc -l <"$WORK/$name.host") VMAs as on the host ($out)" >&2
	echo "kill $pid" >"$MNT/ctl"
}

same_as_host true /bin/true
same_as_host ls /usr/bin/ls /
same_as_host cat /usr/bin/cat "$WORK/numbers.txt"
same_as_host python3 /usr/bin/python3 -c pass
same_as_host perl /usr/bin/perl -e 1
same_as_host sort /usr/bin/sort "$WORK/numbers.txt"
same_as_host gzip /usr/bin/gzip -c "$WORK/blob"
#same_as_host threads "$WORK/threads"

# Live: strace writes into the ctl of a spawned process while ls runs.
exec 3<>"$MNT/ctl"
echo spawn >&3
read -r pid <&3
exec 3>&-
(cd "$WORK" && setarch -R "${run_env[@]}" strace -f -o "$MNT/proc/$pid/ctl" /usr/bin/ls / \
	>/dev/null 2>"$WORK/live.err") || fail "live strace: $(cat "$WORK/live.err")"
[[ ! -s $WORK/live.err ]] || fail "strace's writes into the ctl failed: $(head -3 "$WORK/live.err")"
[[ ! -e $MNT/proc/$pid ]] || fail "the mirrored ls did not exit with the real one"

# The tool: --help, a bad option, a missing file
assert_match "^usage: mmfs-replay" "$("$REPLAY" --help)" "--help"
expect_fail "usage: mmfs-replay" "$REPLAY" --frob "$MNT" x
expect_fail "No such file or directory" "$REPLAY" "$MNT" "$WORK/no-such-trace"
