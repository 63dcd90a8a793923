# mmfs-options: -o ram=256M,nodes=2,swap=0
# oom_policy: an OOM constrained by a memory policy, through the mount.
# "big" is bound to node 0 and is the biggest process; "mid" has 80M in a
# VMA bound to node 1; "a" is bound to node 1 and fills it. Node 1 runs
# out (no swap: nothing to reclaim), and the OOM killer, constrained to
# node 1 (CONSTRAINT_MEMORY_POLICY), kills mid: big cannot free node 1's
# memory and is neither a candidate nor listed. proc/kmsg shows it.

exec 3<>"$MNT/ctl"
spawn() { echo "spawn $1" >&3 && read -r r <&3 && printf '%s\n' "$r"; }
ctl() {	# PID LINE: the reply
	exec 9<>"$MNT/proc/$1/ctl"
	{ echo "$2" >&9; } 2>/dev/null || true
	read -r r <&9
	exec 9>&-
	printf '%s\n' "$r"
}
big=$(spawn big)
mid=$(spawn mid)
a=$(spawn a)
assert_eq 0 "$(ctl "$big" "set_mempolicy bind 0")" "big bound to node 0"
b=$(ctl "$big" "mmap 0 90M rw- private,anon")
assert_eq 0 "$(ctl "$big" "touch $b 90M w")" "big fills node 0"
m=$(ctl "$mid" "mmap 0 80M rw- private,anon")
assert_eq 0 "$(ctl "$mid" "mbind $m 80M bind 1")" "mid's VMA bound to node 1"
assert_eq 0 "$(ctl "$mid" "touch $m 80M w")" "mid on node 1"
assert_eq 0 "$(ctl "$a" "set_mempolicy bind 1")" "a bound to node 1"
x=$(ctl "$a" "mmap 0 60M rw- private,anon")
assert_eq 0 "$(ctl "$a" "touch $x 60M w")" "a fills node 1: mid is killed, a's pages fit"

assert_missing "$MNT/proc/$mid"
assert_exists "$MNT/proc/$big"
log=$(sed 's/^<[0-9]*>\[ *[0-9.]*\] //' "$MNT/proc/kmsg")
assert_match "oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=1,cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/,task=mid,pid=$mid,uid=0" \
	"$log" "the summary line"
assert_match "Out of memory: Killed process $mid \(mid\) total-vm:" "$log" "the kill line"
assert_eq 0 "$(grep -c '^Node 0 ' <<<"$log")" "Mem-Info: node 1 alone"
assert_eq 0 "$(grep -c ' big$' <<<"$log")" "the task table: big is not a candidate"
assert_eq 1 "$(grep -c ' mid$' <<<"$log")" "the task table: mid"

echo check >&3 && read -r r <&3
assert_eq ok "$r" "check"
exec 3>&-
