# options: the command line, its errors, and what the options change.

# --help and --version
out=$("$MMFS" --help 2>&1) || fail "mmfs --help exited non-zero: $out"
for o in ram= nodes= swap= backing= script=; do
	[[ $out == *"$o"* ]] || fail "mmfs --help does not mention $o: $out"
done
out=$("$MMFS" --version 2>&1) || fail "mmfs --version exited non-zero: $out"
assert_match 'mmfs' "$out" "mmfs --version"
assert_match '[0-9]+\.[0-9]+' "$out" "mmfs --version"

# expect_refused WHAT ARGS...: mmfs ARGS must exit non-zero, say "mmfs:" on
# stderr, and mount nothing. It runs without -f: were it to accept, it would
# daemonize and mount, which is cleaned up here.
expect_refused() {
	local what=$1 dir=$WORK/refused rc=0 err
	shift
	mkdir -p "$dir"
	# backing= keeps a wrongly accepted mount from littering /tmp
	err=$(timeout 20 "$MMFS" -o "backing=$WORK/refused-backing" "$@" 2>&1 >/dev/null) || rc=$?
	if mountpoint -q "$dir"; then
		fusermount3 -u "$dir" || true
		fail "$what: mmfs $* mounted $dir"
	fi
	((rc != 0 && rc != 124)) || fail "$what: mmfs $* exited $rc"
	assert_match '(^|[[:space:]])mmfs: ' "$err" "$what: stderr of mmfs $*"
}
mkdir -p "$WORK/refused"
expect_refused "unknown option" --frobnicate "$WORK/refused"
expect_refused "unknown -o option" -o frobnicate=1 "$WORK/refused"
expect_refused "bad size suffix" -o ram=12Q "$WORK/refused"
expect_refused "zero nodes" -o nodes=0 "$WORK/refused"
expect_refused "too little ram" -o ram=1M "$WORK/refused"
expect_refused "ram=--size=" --ram=garbage "$WORK/refused"
expect_refused "missing mountpoint" -o ram=1G
expect_refused "missing mountpoint" 

# Bad mounts: a backing= that is a file, one whose parent is missing (made
# only as mkdir would, never as mkdir -p), a script= that is a directory.
: >"$WORK/a-file"
expect_refused "backing= names a file" -o "backing=$WORK/a-file" "$WORK/refused"
expect_refused "backing= below a missing directory" -o "backing=$WORK/no-parent/x" "$WORK/refused"
assert_missing "$WORK/no-parent"
expect_refused "script= names a directory" -o "script=$WORK" "$WORK/refused"
err=$(timeout 20 "$MMFS" -o "backing=$WORK/a-file" "$WORK/refused" 2>&1 >/dev/null) || true
assert_eq "mmfs: backing=$WORK/a-file: not a directory" "$err" "backing= a file: the reason"
err=$(timeout 20 "$MMFS" -o "script=$WORK,backing=$WORK/refused-backing" "$WORK/refused" 2>&1 >/dev/null) || true
assert_eq "mmfs: script=$WORK: is a directory, not a file of commands" "$err" "script= a directory: the reason"
# a backing= whose parent exists is made, and said
out=$(timeout 20 "$MMFS" -o "backing=$WORK/made-here" "$WORK/refused" 2>&1) ||
	fail "backing= a new directory: mmfs exited $?: $out"
assert_eq "mmfs: made the backing directory $WORK/made-here" "$out" "backing= made: what mmfs says"
fusermount3 -u "$WORK/refused"
assert_exists "$WORK/made-here/sbin/init"

# Without backing=, the fresh /tmp/mmfs-backing.XXXXXX goes at unmount when
# it holds only mmfs's own stand-ins; a file of the user's keeps it, named.
default_backing() {	# default_backing MNT ERRFILE: mount in the foreground; d= the dir
	"$MMFS" -f -o ram=256M "$1" >"$2.out" 2>"$2" &
	dpid=$!
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q '^mmfs: backing directory ' "$2.out" 2>/dev/null && mountpoint -q "$1" && break
		sleep 0.1
	done
	d=$(sed -n 's/^mmfs: backing directory //p' "$2.out")
	[[ $d == /tmp/mmfs-backing.* && -d $d ]] || fail "default backing directory: '$d'"
}
mkdir -p "$WORK/dflt"
default_backing "$WORK/dflt" "$WORK/dflt.err"
echo spawn >"$WORK/dflt/ctl"
assert_exists "$d/usr/bin/sh"
fusermount3 -u "$WORK/dflt"
wait "$dpid" || fail "the daemon exited $?"
assert_missing "$d"
assert_eq "" "$(cat "$WORK/dflt.err")" "default backing removed: nothing to say"
default_backing "$WORK/dflt" "$WORK/dflt.err"
echo spawn >"$WORK/dflt/ctl"
echo mine >"$WORK/dflt/files/notes.txt"
fusermount3 -u "$WORK/dflt"
wait "$dpid" || fail "the daemon exited $?"
assert_exists "$d/notes.txt"
assert_eq "mmfs: kept the backing directory $d: it holds notes.txt, which mmfs did not make" \
	"$(cat "$WORK/dflt.err")" "default backing kept: the reason"
rm -rf "$d"

# a mountpoint that does not exist: refused, nothing created
rc=0
timeout 20 "$MMFS" -o "backing=$WORK/refused-backing" "$WORK/no/such/dir" 2>/dev/null || rc=$?
((rc != 0 && rc != 124)) || fail "mmfs on a missing directory exited $rc"
assert_missing "$WORK/no/such/dir"

# The default machine has no Normal zone at 1G; ram=8G adds one above 4G.
grep -q 'zone   Normal ' "$MNT/proc/buddyinfo" && fail "a 1G machine shows a Normal zone in buddyinfo"
big=$WORK/big
mmfs_mount "$big" -o ram=8G
grep -qE '^Node 0, zone   Normal +[0-9]' "$big/proc/buddyinfo" || fail "ram=8G: no Normal zone: $(cat "$big/proc/buddyinfo")"
total=$(meminfo_kb MemTotal "$big")
assert_lt $(((8 << 20) - 300000)) "$total" "ram=8G MemTotal"
assert_lt "$total" $((8 << 20)) "ram=8G MemTotal"
mmfs_umount "$big"

# --name=value spells the same options; swap= sizes the swap device.
dash=$WORK/dash
mmfs_mount "$dash" --ram=512M --swap=64M
total=$(meminfo_kb MemTotal "$dash")
assert_lt "$total" $((512 << 10)) "ram=512M MemTotal"
assert_lt $((400 << 10)) "$total" "ram=512M MemTotal"
assert_eq $((64 * 1024 - 4)) "$(meminfo_kb SwapTotal "$dash")" "swap=64M SwapTotal"
mmfs_umount "$dash"

# swap=0: no swap device, only the header in proc/swaps
noswap=$WORK/noswap
mmfs_mount "$noswap" -o swap=0
assert_eq 1 "$(wc -l <"$noswap/proc/swaps")" "proc/swaps lines with swap=0"
assert_eq 0 "$(meminfo_kb SwapTotal "$noswap")" "SwapTotal with swap=0"
mmfs_umount "$noswap"

# script=FILE: its commands run at mount, before the first read.
cat >"$WORK/boot.script" <<'EOF'
# processes for the session
spawn
spawn worker
EOF
scripted=$WORK/scripted
mmfs_mount "$scripted" -o "script=$WORK/boot.script"
assert_eq "1 2 3" "$(pids "$scripted" | tr '\n' ' ' | sed 's/ $//')" "pids after script="
assert_eq worker "$(cat "$scripted/proc/3/comm")" "comm of the scripted 'spawn worker'"
mmfs_umount "$scripted"

# a script that cannot be read is refused
expect_refused "missing script" -o "script=$WORK/no-such.script" "$WORK/refused"
