# oom: the OOM killer through a real mount: the bigger process dies, the
# allocating command completes, oom_score_adj changes the choice, kmsg holds
# Linux's report; oom_score follows the formula the host kernel follows;
# oom_score_adj / oom_adj parse as the host parses them and survive a
# crash-restart (journal); panic_on_oom stops the machine.
# mmfs-options: -o ram=64M,swap=0

vm=$MNT/proc/sys/vm
echo 1 >"$vm/overcommit_memory"	# the faults, not mmap, meet the limit

exec 3<>"$MNT/ctl"
echo 'spawn a' >&3 && read -r a <&3
echo 'spawn b' >&3 && read -r b <&3
exec 4<>"$MNT/proc/$a/ctl" 5<>"$MNT/proc/$b/ctl"

# oom_score = (1000 + badness * 1000 / totalpages) * 2 / 3, badness = rss +
# swap + page tables (pages) + adj * (totalpages / 1000)
oom_formula() {	# ROOT PID: what oom_score should read
	local root=$1 pid=$2 tp rss swap pte adj
	tp=$(awk '/^MemTotal:/ { t += $2 } /^SwapTotal:/ { t += $2 } END { print t / 4 }' "$root/meminfo")
	rss=$(awk '/^VmRSS:/ { print $2 / 4 }' "$root/$pid/status")
	swap=$(awk '/^VmSwap:/ { print $2 / 4 }' "$root/$pid/status")
	pte=$(awk '/^VmPTE:/ { print int($2 / 4) }' "$root/$pid/status")
	adj=$(cat "$root/$pid/oom_score_adj")
	echo $(((1000 + (rss + swap + pte + adj * (tp / 1000)) * 1000 / tp) * 2 / 3))
}

# The host kernel follows that formula (a child of ours; the host is left as
# it was), within 1: its rss counters are per-CPU, and oom_badness reads them
# without summing while status sums them.
sleep 60 3>&- 4>&- 5>&- &
hp=$!
for adj in 0 1 100 250 500 999 1000; do
	echo "$adj" >"/proc/$hp/oom_score_adj"
	want=$(oom_formula /proc "$hp")
	got=$(cat "/proc/$hp/oom_score")
	((got - want <= 1 && want - got <= 1)) || fail "host oom_score at adj $adj: $got, the formula says $want"
done

echo 'mmap 0 20M rw- private,anon' >&5 && read -r bmap <&5
echo "touch $bmap 20M w" >&5 && read -r r <&5
assert_eq 0 "$r" "b's 20M"
for adj in 0 1 100 250 500 999 1000 0; do
	echo "$adj" >"$MNT/proc/$b/oom_score_adj"
	assert_eq "$(oom_formula "$MNT/proc" "$b")" "$(cat "$MNT/proc/$b/oom_score")" "oom_score at adj $adj"
done
assert_eq 0 "$(cat "$MNT/proc/1/oom_score")" "init's oom_score"
for f in oom_score oom_score_adj oom_adj; do
	assert_eq "$(stat -c %a "/proc/$hp/$f")" "$(stat -c %a "$MNT/proc/$b/$f")" "mode of $f"
done

# Writes: the same bytes, the same answer as the host's (values >= 0: the
# host may lack CAP_SYS_RESOURCE, needed to go below 0 or to lower through oom_adj).
for w in '100\n' ' +0x10 \n' '1001' 'abc' '' '99999999999' '0x' '08' '010' '0X1f' '1e' \
	'5\n\n' '  200   \n' '12345678901234' '       5     9'; do
	echo 0 >"/proc/$hp/oom_score_adj"
	echo 0 >"$MNT/proc/$b/oom_score_adj"
	host=$(bash -c "printf '$w' > /proc/$hp/oom_score_adj" 2>&1 | sed 's/.*: //'; cat "/proc/$hp/oom_score_adj")
	ours=$(bash -c "printf '$w' > $MNT/proc/$b/oom_score_adj" 2>&1 | sed 's/.*: //'; cat "$MNT/proc/$b/oom_score_adj")
	assert_eq "$host" "$ours" "oom_score_adj after writing '$w'"
done
for w in 15 0 1 16 -18 abc; do
	echo 0 >"/proc/$hp/oom_score_adj"
	echo 0 >"$MNT/proc/$b/oom_score_adj"
	host=$(bash -c "echo '$w' > /proc/$hp/oom_adj" 2>&1 | sed 's/.*: //'; cat "/proc/$hp/oom_score_adj" "/proc/$hp/oom_adj")
	ours=$(bash -c "echo '$w' > $MNT/proc/$b/oom_adj" 2>&1 | sed 's/.*: //'; cat "$MNT/proc/$b/oom_score_adj" "$MNT/proc/$b/oom_adj")
	assert_eq "$host" "$ours" "oom_score_adj and oom_adj after writing '$w' to oom_adj"
done
for adj in 16 58 59 100 200 300 500 1000; do
	echo "$adj" >"/proc/$hp/oom_score_adj"
	echo "$adj" >"$MNT/proc/$b/oom_score_adj"
	assert_eq "$(cat "/proc/$hp/oom_adj")" "$(cat "$MNT/proc/$b/oom_adj")" "oom_adj at adj $adj"
done
kill "$hp"
wait "$hp" 2>/dev/null || true
echo -1000 >"$MNT/proc/$b/oom_score_adj"	# root here has CAP_SYS_RESOURCE
assert_eq -1000 "$(cat "$MNT/proc/$b/oom_score_adj")" "adj -1000"
assert_eq -17 "$(cat "$MNT/proc/$b/oom_adj")" "oom_adj at -1000"
assert_eq 0 "$(cat "$MNT/proc/$b/oom_score")" "oom_score at -1000"
echo 0 >"$MNT/proc/$b/oom_score_adj"
grep -q "oom_adj is deprecated, please use /proc/$b/oom_score_adj instead." "$MNT/proc/kmsg" ||
	fail "no deprecation line for oom_adj"

# a (small) allocates more than there is: b (bigger) dies, a's touch completes.
echo 'mmap 0 16M rw- private,anon' >&4 && read -r amap <&4
echo "touch $amap 16M w" >&4 && read -r r <&4
assert_eq 0 "$r" "a's touch through the OOM kill"
assert_missing "$MNT/proc/$b"
assert_eq 1 "$(vmstat_val oom_kill)" "vmstat oom_kill"
kmsg=$(sed 's/^\[ *[0-9.]*\] //' "$MNT/proc/kmsg")
grep -qxF "a invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0" <<<"$kmsg" ||
	fail "no OOM header in kmsg"
grep -qxF "Mem-Info:" <<<"$kmsg" || fail "no Mem-Info"
grep -qE "^\[ +$b\] +0 +$b +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +0 +[0-9]+ +0 +0 b$" <<<"$kmsg" ||
	fail "no task row for b"
grep -qxF "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=b,pid=$b,uid=0" <<<"$kmsg" ||
	fail "no oom-kill summary"
grep -qE "^Out of memory: Killed process $b \(b\) total-vm:[0-9]+kB, anon-rss:2[0-9]{4}kB, file-rss:[0-9]+kB, shmem-rss:0kB, UID:0 pgtables:[0-9]+kB oom_score_adj:0$" <<<"$kmsg" ||
	fail "no Killed process line"
echo check >&3 && read -r r <&3
assert_eq ok "$r" "check after the kill"

# oom_score_adj moves the choice: a, the biggest, would be its own victim,
# but c (4 MiB, adj 1000) goes instead; d (8 MiB) stays.
echo "munmap $amap 16M" >&4 && read -r r <&4
echo 'spawn c' >&3 && read -r c <&3
echo 'spawn d' >&3 && read -r d <&3
echo "mmap 0 4M rw- private,anon,populate" >"$MNT/proc/$c/ctl"
echo 1000 >"$MNT/proc/$c/oom_score_adj"
echo "mmap 0 8M rw- private,anon,populate" >"$MNT/proc/$d/ctl"
echo 'mmap 0 26M rw- private,anon' >&4 && read -r amap2 <&4
echo "touch $amap2 26M w" >&4 && read -r r <&4
assert_eq 0 "$r" "a's second touch"
assert_missing "$MNT/proc/$c"
assert_exists "$MNT/proc/$d"
assert_exists "$MNT/proc/$a"
assert_eq 2 "$(vmstat_val oom_kill)" "vmstat oom_kill after the second kill"
grep -q "\] Out of memory: Killed process $c (c) .* oom_score_adj:1000$" "$MNT/proc/kmsg" ||
	fail "c was not the second victim"
exec 3>&- 4>&- 5>&-

# oom_score_adj is journaled: it survives a kill -9 of the daemon.
J=$WORK/journal
M=$WORK/jm
mmfs_mount "$M" -o "journal=$J,backing=$WORK/jb,ram=64M,swap=0"
echo spawn >"$M/ctl"
echo 345 >"$M/proc/2/oom_score_adj"
echo 8 >"$M/proc/2/oom_adj"	# 470
echo 123 >"$M/proc/1/oom_score_adj"
# and an OOM kill replays the same: pid 3 (bigger) dies for pid 2's touch
echo 1 >"$M/proc/sys/vm/overcommit_memory"
echo spawn >"$M/ctl"
echo 0 >"$M/proc/2/oom_score_adj"
echo 'mmap 0 20M rw- private,anon,populate' >"$M/proc/3/ctl"
exec 6<>"$M/proc/2/ctl"
echo 'mmap 0 20M rw- private,anon' >&6 && read -r jm <&6
echo "touch $jm 20M w" >&6 && read -r r <&6
assert_eq 0 "$r" "the journaled OOM's touch"
echo 470 >"$M/proc/2/oom_score_adj"
exec 6>&-
assert_missing "$M/proc/3"
cp "$M/proc/kmsg" "$WORK/kmsg.before"
cp "$M/proc/vmstat" "$WORK/vmstat.before"
kill -9 "${_MMFS_PID[$M]}"
wait "${_MMFS_PID[$M]}" 2>/dev/null || true
unset "_MMFS_PID[$M]"
if ls "$M" >/dev/null 2>&1; then fail "the mount of a killed daemon still answers"; fi
mmfs_mount "$M" -o "journal=$J,backing=$WORK/jb,ram=64M,swap=0"
assert_eq 470 "$(cat "$M/proc/2/oom_score_adj")" "oom_score_adj after a restart"
assert_eq 123 "$(cat "$M/proc/1/oom_score_adj")" "init's oom_score_adj after a restart"
assert_missing "$M/proc/3"
cp "$M/proc/vmstat" "$WORK/vmstat.after"
assert_file_eq "$WORK/vmstat.before" "$WORK/vmstat.after" "vmstat after the replay"
head -n "$(wc -l <"$WORK/kmsg.before")" "$M/proc/kmsg" | cmp -s - "$WORK/kmsg.before" ||
	fail "kmsg after the replay differs from before the crash"
mmfs_umount "$M"

# panic_on_oom: the command fails, kmsg has the panic, the machine takes no more commands.
P=$WORK/pm
mmfs_mount "$P" -o "ram=64M,swap=0"
echo 1 >"$P/proc/sys/vm/overcommit_memory"
echo 1 >"$P/proc/sys/vm/panic_on_oom"
echo spawn >"$P/ctl"
exec 6<>"$P/proc/2/ctl"
echo 'mmap 0 60M rw- private,anon' >&6 && read -r pm <&6
{ echo "touch $pm 60M w" >&6; } 2>/dev/null || true	# the write fails: ENOMEM
read -r r <&6
assert_match '^error ENOMEM' "$r" "the touch that panicked"
exec 6>&-
grep -q '\] Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled$' "$P/proc/kmsg" ||
	fail "no panic line"
expect_fail "Input/output error" "echo spawn > '$P/ctl'"
expect_fail "Input/output error" "echo 5 > '$P/proc/2/oom_score_adj'"
r=$(exec 7<>"$P/ctl"; echo check >&7; read -r r <&7; echo "$r")
assert_match '^error EIO: the machine has panicked \(Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled\)$' "$r" "reply after the panic"
assert_exists "$P/proc/2"	# nothing was killed, the views still read
mmfs_umount "$P"

# With swap: memory and swap both run out. Reclaim fills the device first
# (every slot: 32764 kB are 8191 zero pages), then gives up at once, since
# nothing is left to reclaim, and the OOM killer takes the only candidate,
# the allocating process itself: its touch answers EINTR, its swap slots
# are freed with it.
S=$WORK/sm
mmfs_mount "$S" -o "ram=64M,swap=32M"
echo spawn >"$S/ctl"
exec 6<>"$S/proc/2/ctl"
echo 'mmap 0 150M rw- private,anon,noreserve' >&6 && read -r sa <&6
{ echo "touch $sa 150M w" >&6; } 2>/dev/null || true	# the write fails: EINTR
read -r r <&6
assert_match '^error EINTR: killed by the OOM killer' "$r" "the touch of more than RAM + swap"
exec 6>&-
assert_missing "$S/proc/2"
assert_eq 8191 "$(vmstat_val swpout_zero "$S")" "swap filled before the OOM killer"
assert_eq 1 "$(vmstat_val oom_kill "$S")" "one kill"
assert_eq "$(meminfo_kb SwapTotal "$S")" "$(meminfo_kb SwapFree "$S")" "swap empty after the kill"
grep -q '\] Out of memory: Killed process 2 (sh) ' "$S/proc/kmsg" || fail "no kill line"
r=$(exec 7<>"$S/ctl"; echo check >&7; read -r r <&7; echo "$r")
assert_eq ok "$r" "check after the kill"
mmfs_umount "$S"
