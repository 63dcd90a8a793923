# threads: clone and pthread_create in a process, what proc shows of them
# (status Threads:/Tgid:, task/, ps -eLf), the exit of a thread vs the group,
# and pthread_create's stack and guard against a thread of the host's glibc.

exec 3<>"$MNT/ctl"
echo "spawn worker" >&3 && read -r A <&3
exec 4<>"$MNT/proc/$A/ctl"
reply() { local r; echo "$1" >&4 && read -r r <&4 && echo "$r"; }
T1=$(reply "clone vm|fs|files|sighand|thread|sysvsem|settls|parent_settid|child_cleartid")
T2=$(reply "pthread_create")
assert_eq "$((A + 1)) $((A + 2))" "$T1 $T2" "TIDs from the pid allocator"
expect_fail "Invalid argument" "echo 'clone thread|vm' >$MNT/proc/$A/ctl"

# ---- proc ----
field() { awk -v k="$1:" '$1 == k { print $2 }' "$2"; }
assert_eq 3 "$(field Threads "$MNT/proc/$A/status")" "status Threads:"
assert_eq "$A $T1 $T2" "$(ls "$MNT/proc/$A/task" | sort -n | tr '\n' ' ' | sed 's/ $//')" "task/ lists every TID"
assert_eq "$A $T2 1" "$(field Tgid "$MNT/proc/$A/task/$T2/status") $(field Pid "$MNT/proc/$A/task/$T2/status") $(field PPid "$MNT/proc/$A/task/$T2/status")" "a thread's Tgid, Pid, PPid"
assert_eq "worker" "$(cat "$MNT/proc/$A/task/$T1/comm")" "a thread's comm"
assert_eq "$(field VmRSS "$MNT/proc/$A/status")" "$(field VmRSS "$MNT/proc/$A/task/$T1/status")" "RSS is shared"
assert_eq "1 $A" "$(pids | tr '\n' ' ' | sed 's/ $//')" "proc/ lists leaders only"
assert_exists "$MNT/proc/$T1/status"
assert_eq "$A" "$(field Tgid "$MNT/proc/$T1/status")" "proc/TID resolves"

# ps -eLf: one line per thread, LWP and NLWP
out=$(in_proc_ns ps -eLf) || fail "ps -eLf failed: $out"
lines=$(awk -v a="$A" '$2 == a { print $2, $4, $6 }' <<<"$out")
assert_eq "$A $A 3"$'\n'"$A $T1 3"$'\n'"$A $T2 3" "$lines" "ps -eLf: PID LWP NLWP"

# ---- a thread's ctl: memory is shared, malloc has the thread's arena ----
exec 5<>"$MNT/proc/$A/task/$T1/ctl"
treply() { local r; echo "$1" >&5 && read -r r <&5 && echo "$r"; }
p=$(treply "mmap 0 1M rw- private,anon")
assert_eq 0 "$(treply "touch $p 1M w")" "touch from the thread"
assert_eq 0 "$(reply "munmap $p 1M")" "the leader unmaps the thread's mapping"
assert_eq 0x5555555593c0 "$(reply "malloc 10")" "the leader's malloc: main_arena, after the DTV pthread_create allocated (as the host)"
assert_eq 0x7ffff0000b70 "$(treply "malloc 10")" "a thread's first malloc: its own 64 MiB heap"
assert_eq 0 "$(treply "exit")" "exit ends the thread"
exec 5>&-
assert_eq 2 "$(field Threads "$MNT/proc/$A/status")" "one thread fewer"
assert_missing "$MNT/proc/$A/task/$T1"
echo check >&3 && read -r r <&3 && assert_eq ok "$r" "check"

# ---- pthread_create's stack and guard, against the host's ----
# stack_pair: "GUARD_SIZE GUARD_PERMS STACK_SIZE STACK_PERMS" of an 8 MiB
# read-write VMA right above a PROT_NONE page, from maps on stdin
stack_pair() {
	local range perms rest s e ps=0 pe=0 pp=""
	while read -r range perms rest; do
		s=$((16#${range%-*}))
		e=$((16#${range#*-}))
		if ((pe == s)) && [[ $pp == ---p && $perms == rw-p ]] && ((e - s == 8388608)); then
			echo "$((pe - ps)) $pp $((e - s)) $perms"
		fi
		ps=$s pe=$e pp=$perms
	done
}
[[ -n ${MMFS_THREADS_HOST:-} ]] || fail "MMFS_THREADS_HOST is not set (meson sets it)"
host=$(setarch -R "$MMFS_THREADS_HOST" | stack_pair) || fail "the host program failed"
model=$(stack_pair <"$MNT/proc/$A/maps")
assert_eq "4096 ---p 8388608 rw-p" "$host" "the host's thread stack and guard"
assert_eq "$host" "$model" "pthread_create's stack and guard as the host's"

# ---- pthread_exit of the main thread: a zombie leader, against the host's ----
# zombie_host.c makes its main thread call pthread_exit while a thread runs
# and prints what proc shows of the leader then; the same here (a "gone"
# key is one of a live thread's status that the zombie's lacks; the host's
# keys the model never shows are left out).
echo "spawn zl" >&3 && read -r Z <&3
exec 6<>"$MNT/proc/$Z/ctl"
echo pthread_create >&6 && read -r ZT <&6
echo pthread_exit >&6 && read -r r <&6
assert_eq 0 "$r" "pthread_exit of the main thread"
exec 6>&-
D=$MNT/proc/$Z
live=$(cut -d: -f1 "$D/task/$ZT/status")
{
	grep -E '^(State|FDSize|Threads):' "$D/status" | sed 's/^/status /'
	for k in $live; do grep -q "^$k:" "$D/status" || echo "gone $k:"; done
	echo "maps $(wc -c <"$D/maps")"
	echo "statm $(cat "$D/statm")"
	sed 's/.*) //' "$D/stat" | awk '{ print "stat", $1, $18, $21, $22 }'
	echo "fds $(ls "$D/fd" | wc -l)"
	echo "tasks $(ls "$D/task" | wc -l)"
} >"$WORK/zombie.mmfs"
expect_fail "No such process" "echo 'mmap 0 4096 r-- private,anon' >$D/ctl"
if command -v cc >/dev/null; then
	cc -O1 -pthread -o "$WORK/zombie_host" "$MMFS_IT_DIR/zombie_host.c"
	"$WORK/zombie_host" | while read -r w k rest; do
		[[ $w == gone ]] && ! grep -qx "${k%:}" <<<"$live" && continue
		echo "$w $k${rest:+ $rest}"
	done | sed 's/^status \([A-Za-z]*:\) /status \1\t/' >"$WORK/zombie.host"
	assert_file_eq "$WORK/zombie.host" "$WORK/zombie.mmfs" "a zombie leader: the host and mmfs"
fi
echo "pthread_exit" >"$MNT/proc/$Z/task/$ZT/ctl"	# glibc's last thread: exit(0)
assert_missing "$D"
echo check >&3 && read -r r <&3 && assert_eq ok "$r" "check"

# ---- the group ends together ----
assert_eq 0 "$(reply "exit_group")" "exit_group"
exec 4>&-
assert_missing "$MNT/proc/$A"
assert_missing "$MNT/proc/$T2"
echo check >&3 && read -r r <&3 && assert_eq ok "$r" "check"
exec 3>&-
