# procps_ps: ps, top, pgrep, pidof and pwdx read the mount bind-mounted over
# /proc and list every simulated process with the figures of its status and
# stat files; proc/self, task/, fd/, fdinfo/ and the links are as Linux has them.

# A machine: worker (with 1 MiB of anonymous memory written, a file open and
# 256 KiB of it mapped and read from the disk), its fork, and sleeper.
head -c 262144 /dev/urandom >"$MNT/files/data.bin"
exec 3<>"$MNT/ctl"
echo "spawn worker" >&3 && read -r A <&3
echo "spawn sleeper" >&3 && read -r C <&3
exec 4<>"$MNT/proc/$A/ctl"
reply() { local r; echo "$1" >&4 && read -r r <&4 && echo "$r"; }
a=$(reply "mmap 0 1M rw- private,anon")
assert_eq 0 "$(reply "touch $a 1M w")" "touch anon"
assert_eq 3 "$(reply "open /data.bin rdwr")" "open: the first fd"
echo sync >&3 && read -r _ <&3
echo "drop_caches 1" >&3 && read -r _ <&3
f=$(reply "mmap 0 256K rw- shared /data.bin")
assert_eq 0 "$(reply "touch $f 256K r")" "touch the file: read from the disk"
assert_eq 0 "$(reply "touch $f 8K w")" "dirty two pages"
B=$(reply fork)
assert_eq "2 3 4" "$A $C $B" "pids"
exec 4>&-

# ---- the model's own figures, from status and stat ----

ppid() { awk '$1 == "PPid:" { print $2 }' "$MNT/proc/$1/status"; }
statf() {	# statf PID N: field N of stat (N >= 3, counted as proc(5) counts)
	local s
	s=$(cat "$MNT/proc/$1/stat")
	s=${s##*) }
	awk -v n=$(($2 - 2)) '{ print $n }' <<<"$s"
}
# drop_field N: the lines with field N left out, single-spaced
drop_field() { awk -v n="$1" '{ $n = ""; $0 = $0; $1 = $1; print }'; }
memtotal=$(meminfo_kb MemTotal)
nr=$(pids | wc -l)
assert_eq 4 "$nr" "simulated processes"

# ---- ps ----

# -eo: the columns of status (PPid, VmRSS, VmSize) and stat (majflt, minflt), exactly
want="    PID    PPID   RSS    VSZ MAJFLT MINFLT COMMAND"
for p in $(pids); do
	want+=$'\n'$(printf '%7d %7d %5d %6d %6d %6d %s' "$p" "$(ppid "$p")" \
		"$(status_kb VmRSS "$p")" "$(status_kb VmSize "$p")" \
		"$(statf "$p" 12)" "$(statf "$p" 10)" "$(cat "$MNT/proc/$p/comm")")
done
out=$(in_proc_ns ps -eo pid,ppid,rss,vsz,majflt,minflt,comm) || fail "ps -eo failed: $out"
assert_eq "$want" "$out" "ps -eo pid,ppid,rss,vsz,majflt,minflt,comm"
assert_eq 1 "$(statf "$A" 12)" "worker's major fault (the file read)"

# aux: every process once, its user, %MEM (tenths of VmRSS / MemTotal,
# truncated), VSZ, RSS, no tty, a sleeping session leader, its command line;
# START (field 9) is the wall clock of the mount
cmd() { tr '\0' ' ' <"$MNT/proc/$1/cmdline" | sed 's/ $//'; }
want="USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND"
for p in $(pids); do
	rss=$(status_kb VmRSS "$p")
	pm=$((rss * 1000 / memtotal))
	want+=$'\n'"root $p 0.0 $((pm / 10)).$((pm % 10)) $(status_kb VmSize "$p") $rss ? Ss 0:00 $(cmd "$p")"
done
out=$(in_proc_ns ps aux) || fail "ps aux failed: $out"
assert_eq "$want" "$(head -n1 <<<"$out" | awk '{ $1 = $1; print }'; tail -n +2 <<<"$out" | drop_field 9)" "ps aux"
assert_match '^[0-9]{2}:[0-9]{2}$' "$(awk 'NR == 2 { print $9 }' <<<"$out")" "ps aux START"

# -ef and -eLf: PPID from status; one thread, its LWP the pid (STIME dropped)
want="UID PID PPID C TTY TIME CMD"
wantL="UID PID PPID LWP C NLWP TTY TIME CMD"
for p in $(pids); do
	want+=$'\n'"root $p $(ppid "$p") 0 ? 00:00:00 $(cmd "$p")"
	wantL+=$'\n'"root $p $(ppid "$p") $p 0 1 ? 00:00:00 $(cmd "$p")"
done
out=$(in_proc_ns ps -ef) || fail "ps -ef failed: $out"
assert_eq "$want" "$(drop_field 5 <<<"$out")" "ps -ef"
out=$(in_proc_ns ps -eLf) || fail "ps -eLf failed: $out"
assert_eq "$wantL" "$(drop_field 7 <<<"$out")" "ps -eLf"

# axjf: the forest, byte for byte: the fork under its parent
out=$(in_proc_ns ps axjf) || fail "ps axjf failed: $out"
want=$(printf '%s\n' \
	"   PPID     PID    PGID     SID TTY        TPGID STAT   UID   TIME COMMAND" \
	"      0       1       1       1 ?             -1 Ss       0   0:00 /sbin/init" \
	"      1       $A       $A       $A ?             -1 Ss       0   0:00 worker" \
	"      $A       $B       $B       $B ?             -1 Ss       0   0:00  \\_ worker" \
	"      1       $C       $C       $C ?             -1 Ss       0   0:00 sleeper")
assert_eq "$want" "$out" "ps axjf"

# WCHAN: what the wchan files say (ps drops the leading underscores)
assert_eq "__do_sys_pause" "$(cat "$MNT/proc/$A/wchan")" "wchan"
out=$(in_proc_ns ps -o wchan= -p "$A") || fail "ps -o wchan failed: $out"
assert_eq "do_sys_pause" "$out" "ps -o wchan"

# ---- top ----

out=$(in_proc_ns top -b -n 1) || fail "top -b -n 1 failed: $out"
assert_eq "Tasks:   4 total,   0 running,   4 sleeping,   0 stopped,   0 zombie" \
	"$(grep '^Tasks:' <<<"$out")" "top Tasks"
assert_match "^MiB Mem : +$(awk -v k="$memtotal" 'BEGIN { printf "%.1f", k / 1024 }') total," \
	"$(grep '^MiB Mem' <<<"$out")" "top MiB Mem"
want=""
for p in $(pids); do
	read -r size res shr _ <"$MNT/proc/$p/statm"
	want+="$p root 20 0 $((size * 4)) $((res * 4)) $((shr * 4)) S 0.0 "
	want+="$(awk -v r=$((res * 4)) -v t="$memtotal" 'BEGIN { printf "%.1f", r * 100 / t }')"
	want+=" 0:00.00 $(cat "$MNT/proc/$p/comm")"$'\n'
done
assert_eq "${want%$'\n'}" "$(awk '/^ +PID/ { on = 1; next } on && NF { $1 = $1; print }' <<<"$out")" \
	"top processes (VIRT RES SHR from statm)"

# ---- pgrep, pidof, pwdx ----

assert_eq "$A"$'\n'"$B" "$(in_proc_ns pgrep worker)" "pgrep worker"
assert_eq "$B" "$(in_proc_ns pgrep -P "$A")" "pgrep -P"
assert_eq "$C sleeper" "$(in_proc_ns pgrep -l sleeper)" "pgrep -l sleeper"
assert_eq "$B $A" "$(in_proc_ns pidof worker)" "pidof worker"
assert_eq "1" "$(in_proc_ns pidof init)" "pidof init"
assert_eq "$A: $MNT/files" "$(in_proc_ns pwdx "$A")" "pwdx"

# ---- proc/self, thread-self and the reader's own pid ----

assert_eq "1" "$(readlink "$MNT/proc/self")" "self"
assert_eq "1/task/1" "$(readlink "$MNT/proc/thread-self")" "thread-self"
assert_eq "init" "$(in_proc_ns cat /proc/self/comm)" "/proc/self/comm"
# a reader looking itself up by its host pid finds self; the listing does not show it
out=$(in_proc_ns bash -c 'read -r l </proc/$$/stat && echo "${l%% *}"; ls /proc | grep -c "^[0-9]"')
assert_eq "1"$'\n'"$nr" "$out" "the reader's own pid: self, not listed"
assert_eq "1" "$(ls "$MNT/proc/1/task")" "task/ of init"
assert_file_eq "$MNT/proc/$A/status" "$MNT/proc/$A/task/$A/status" "task/TID/status"
assert_missing "$MNT/proc/$A/task/$A/task"
assert_missing "$MNT/proc/$A/task/$((A + 1))"

# ---- the per-process files ----

assert_eq "$MNT/files/usr/bin/worker" "$(readlink "$MNT/proc/$A/exe")" "exe"
assert_eq "$MNT/files/sbin/init" "$(readlink "$MNT/proc/1/exe")" "init's exe"
assert_eq "$MNT/files" "$(readlink "$MNT/proc/$A/cwd")" "cwd"
assert_eq "$MNT/files" "$(readlink "$MNT/proc/$A/root")" "root"
assert_eq "3" "$(ls "$MNT/proc/$A/fd")" "fd/"
assert_eq "$MNT/files/data.bin" "$(readlink "$MNT/proc/$A/fd/3")" "fd/3"
assert_eq "lrwx------" "$(stat -c %A "$MNT/proc/$A/fd/3")" "fd/3 mode (read-write)"
cmp -s "$MNT/proc/$A/fd/3" "$MNT/files/data.bin" || fail "fd/3 does not lead to the file"
assert_eq "3" "$(ls "$MNT/proc/$B/fd")" "fork shares the open file"
assert_eq "pos:	0
flags:	0100002
mnt_id:	1
ino:	$(stat -c %i "$MNT/files/data.bin")" "$(cat "$MNT/proc/$A/fdinfo/3")" "fdinfo/3"
assert_eq "" "$(ls "$MNT/proc/$C/fd")" "no open files"
assert_eq "HOME=/ TERM=linux " "$(tr '\0' ' ' <"$MNT/proc/$A/environ")" "environ"
assert_eq "0::/" "$(cat "$MNT/proc/$A/cgroup")" "cgroup"
assert_eq "rchar: 0
wchar: 0
syscr: 0
syscw: 0
read_bytes: 262144
write_bytes: 8192
cancelled_write_bytes: 0" "$(cat "$MNT/proc/$A/io")" "io: the file read, two pages dirtied"
assert_eq "read_bytes: 0" "$(grep read_bytes "$MNT/proc/$B/io")" "a fork's io starts at 0"
assert_eq "4194304" "$(cat "$MNT/proc/sys/kernel/pid_max")" "pid_max"
expect_fail "Invalid argument" "echo 300 >'$MNT/proc/sys/kernel/pid_max'"
echo 5000 >"$MNT/proc/sys/kernel/pid_max"
assert_eq "5000" "$(cat "$MNT/proc/sys/kernel/pid_max")" "pid_max written"
echo 4194304 >"$MNT/proc/sys/kernel/pid_max"
assert_eq "6.18.0-mmfs" "$(cat "$MNT/proc/sys/kernel/osrelease")" "osrelease"

# limits: the host's own layout (label and unit columns), our values
# (1 GiB: max_threads = 251649 pages / 32 = 7864, half of it for NPROC and SIGPENDING)
mapfile -t ours <"$MNT/proc/$A/limits"
mapfile -t host </proc/self/limits
assert_eq "${#host[@]}" "${#ours[@]}" "limits lines"
for i in "${!host[@]}"; do
	assert_eq "${host[$i]:0:26}|${host[$i]:68}|${#host[$i]}" \
		"${ours[$i]:0:26}|${ours[$i]:68}|${#ours[$i]}" "limits line $i layout"
done
assert_eq "unlimited unlimited
8388608 unlimited
3932 3932
1024 4096
8388608 8388608
3932 3932" "$(grep -E '^Max (cpu time|stack size|processes|open files|locked memory|pending signals)' \
	"$MNT/proc/$A/limits" | awk '{ print $(NF - 2), $(NF - 1) }')" "limits values"
assert_match "SigQ:	0/3932" "$(cat "$MNT/proc/$A/status")" "SigQ"

# ---- a process that goes ----

cd "$MNT/proc/$C"
echo "kill $C" >&3 && read -r r <&3
assert_eq 0 "$r" "kill sleeper"
expect_fail "No such file or directory" "readlink -v exe"
expect_fail "No such file or directory" "readlink -v cwd"
expect_fail "No such file or directory" "readlink -v '$MNT/proc/$C/exe'"
cd "$WORK"
out=$(in_proc_ns ps -eo pid=) || fail "ps after the kill failed: $out"
assert_eq "1 $A $B" "$(echo $out)" "ps after the kill"
# loadavg names the pid handed out last, alive or not
echo "spawn gone" >&3 && read -r D <&3
echo "kill $D" >&3 && read -r _ <&3
assert_eq "0.00 0.00 0.00 1/3 $D" "$(cat "$MNT/proc/loadavg")" "loadavg after the last pid went"
echo "close 3" >"$MNT/proc/$A/ctl"
expect_fail "No such file or directory" "readlink -v '$MNT/proc/$A/fd/3'"
assert_eq "" "$(ls "$MNT/proc/$A/fd")" "fd/ after close"
exec 3>&-
