# exec_elf.sh - exec PATH ARG... of real ELF files against the host kernel:
# the maps of a simulated process right after exec must equal the host's at
# the interpreter's first instruction (exec_probe: PTRACE_TRACEME + execve
# under setarch -R, the exec stop), every VMA's start, end, perms, offset and
# path, [stack] included; Rss and Anonymous of each VMA (the pages the kernel
# stored to); stat's start_code..env_end. Then execve's errnos, spawn's
# layout unchanged, and a journal's replay.
# mmfs-options: -o lower=/

PROBE=${MMFS_EXEC_PROBE:-}
if [[ -z $PROBE ]]; then	# run by hand: build the probe here
	PROBE=$WORK/exec_probe
	gcc -O1 -o "$PROBE" "$MMFS_IT_DIR/exec_probe.c" || fail "cannot build exec_probe"
fi
command -v setarch >/dev/null || fail "setarch (util-linux) is needed"

# A static, a static-PIE and a non-PIE program, with a bss that needs pages of its own.
printf 'int big[5000];\nint main(void) { return big[0]; }\n' >"$WORK/prog.c"
gcc -static -o "$WORK/static" "$WORK/prog.c" || fail "gcc -static"
gcc -static-pie -o "$WORK/static-pie" "$WORK/prog.c" || fail "gcc -static-pie"
gcc -no-pie -o "$WORK/nopie" "$WORK/prog.c" || fail "gcc -no-pie"
[[ $(od -An -tx1 -j16 -N1 "$WORK/static") == " 02" ]] || fail "gcc -static did not make an ET_EXEC"

# new_pid: a fresh simulated process (spawn), its pid on stdout
new_pid() {
	local fd pid
	exec {fd}<>"$MNT/ctl"
	echo spawn >&"$fd"
	read -r pid <&"$fd"
	exec {fd}>&-
	echo "$pid"
}

# ctl_reply PID LINE: write LINE to the process's ctl, print the reply
ctl_reply() {
	local fd r
	exec {fd}<>"$MNT/proc/$1/ctl"
	echo "$2" >&"$fd" 2>/dev/null || true	# a failed call: the write says it too
	read -r r <&"$fd" || true
	exec {fd}>&-
	echo "$r"
}

# same_as_host PATH ARG...: exec in the model and on the host, compare maps
same_as_host() {
	local pid r
	pid=$(new_pid)
	r=$(ctl_reply "$pid" "exec $*")
	assert_eq 0 "$r" "exec $*"
	awk '{ print $1, $2, $3, $6 }' "$MNT/proc/$pid/maps" >"$WORK/model.maps"
	setarch -R "$PROBE" "$@" | awk '{ print $1, $2, $3, $6 }' >"$WORK/host.maps" ||
		fail "exec_probe $*"
	grep -q '\[stack\]' "$WORK/host.maps" || fail "the probe's maps have no [stack]"
	assert_file_eq "$WORK/host.maps" "$WORK/model.maps" "maps after exec $*"
	# the pages the kernel stored to (padzero, the stack's top): Rss and Anonymous
	rss() { awk '/^[0-9a-f]+-/ { r = $1 } /^(Rss|Anonymous):/ && $2 { print r, $1, $2 }'; }
	rss <"$MNT/proc/$pid/smaps" >"$WORK/model.rss"
	setarch -R "$PROBE" -s "$@" | rss >"$WORK/host.rss" || fail "exec_probe -s $*"
	assert_file_eq "$WORK/host.rss" "$WORK/model.rss" "Rss after exec $*"
	# stat's startcode endcode startstack start_data end_data start_brk arg_* env_*
	bounds() { awk '{ print $26, $27, $28, $45, $46, $47, $48, $49, $50, $51 }'; }
	assert_eq "$(setarch -R "$PROBE" -t "$@" | bounds)" "$(bounds <"$MNT/proc/$pid/stat")" \
		"stat's code, data, brk, stack, argument and environment bounds after exec $*"
	comm=$(cat "$MNT/proc/$pid/comm")
	assert_eq "$(basename "$1" | cut -c1-15)" "$comm" "comm after exec $1"
	assert_eq "$*" "$(tr '\0' ' ' <"$MNT/proc/$pid/cmdline" | sed 's/ $//')" "cmdline after exec"
}

same_as_host /bin/true
same_as_host /usr/bin/ls -l /
same_as_host /usr/bin/python3 -c pass
same_as_host "$WORK/static"
same_as_host "$WORK/static-pie" one two
same_as_host "$WORK/nopie"
# arguments up to the command's limit (argv of 256 bytes, PATH included)
long=$(printf 'x%.0s' {1..70})
same_as_host /bin/true "$long" "$long" "$long"

# execve's errnos, and the process unchanged after a failed exec
pid=$(new_pid)
before=$(cat "$MNT/proc/$pid/maps")
printf 'not an ELF file\n' >"$WORK/text"
chmod +x "$WORK/text"
assert_match '^error ENOEXEC' "$(ctl_reply "$pid" "exec $WORK/text x")" "a text file"
assert_match '^error ENOENT' "$(ctl_reply "$pid" "exec $WORK/missing x")" "a missing file"
assert_match '^error EACCES' "$(ctl_reply "$pid" "exec $WORK/prog.c x")" "no execute bit"
assert_match '^error EACCES' "$(ctl_reply "$pid" "exec /etc x")" "a directory"
# an interpreter that does not exist: ENOENT (patch PT_INTERP's path)
cp /bin/true "$WORK/badinterp"
off=$(grep -abo '/lib64/ld-linux-x86-64.so.2' "$WORK/badinterp" | head -n 1 | cut -d: -f1)
printf '/lib64/ld-linux-x86-64.so.X' | dd of="$WORK/badinterp" bs=1 seek="$off" conv=notrunc status=none
assert_match '^error ENOENT' "$(ctl_reply "$pid" "exec $WORK/badinterp")" "a missing interpreter"
assert_match '^error EINVAL' "$(ctl_reply "$pid" "exec true x")" "a bare NAME with arguments"
assert_eq "$before" "$(cat "$MNT/proc/$pid/maps")" "maps after the failed execs"

# spawn NAME and exec NAME keep the ready-made layout of the tutorial
assert_eq 0 "$(ctl_reply "$pid" "exec myprog")" "exec NAME"
grep -q '/usr/bin/myprog$' "$MNT/proc/$pid/maps" || fail "exec NAME: no /usr/bin/myprog in maps"

# the invariant checker agrees with everything exec built
exec {cfd}<>"$MNT/ctl"
echo check >&"$cfd"
read -r r <&"$cfd"
exec {cfd}>&-
assert_eq ok "$r" "check after the execs"

# ---- the journal: exec of real ELF files and lower='s copy-ups replay the same ----

J=$WORK/journal
JB=$WORK/jbacking
JM=$WORK/jm
mmfs_mount "$JM" -o "journal=$J,backing=$JB,lower=/"
jctl() {	# jctl FILE LINE: a reply of the ctl file FILE
	local fd r
	exec {fd}<>"$1"
	echo "$2" >&"$fd" 2>/dev/null || true
	read -r r <&"$fd" || true
	exec {fd}>&-
	echo "$r"
}
p1=$(jctl "$JM/ctl" spawn)
p2=$(jctl "$JM/ctl" spawn)
assert_eq 0 "$(jctl "$JM/proc/$p1/ctl" "exec /usr/bin/ls -l /")" "journaled exec of ls"
assert_eq 0 "$(jctl "$JM/proc/$p2/ctl" "exec $WORK/static")" "journaled exec of a static program"
assert_eq 5 "$(jctl "$JM/proc/$p2/ctl" 'openat(AT_FDCWD, "/etc/hostname", O_RDWR) = 5')" "open O_RDWR: a copy-up"
[[ -f $JB/etc/hostname ]] || fail "no copy-up of /etc/hostname in the journaled backing="
jmaps() { for p in 1 "$p1" "$p2"; do echo "== $p"; cat "$JM/proc/$p/maps"; done; }
first=$(jmaps)
mmfs_umount "$JM"
mmfs_mount "$JM" -o "journal=$J,backing=$JB,lower=/"
assert_eq "$first" "$(jmaps)" "maps after the journal's replay"
mmfs_umount "$JM"
# the header records lower=/: left out, it is taken from there; another is refused
mmfs_mount "$JM" -o "journal=$J,backing=$JB"
assert_eq "$first" "$(jmaps)" "maps after a replay without lower="
mmfs_umount "$JM"
err=$(timeout 20 "$MMFS" -f -o "journal=$J,backing=$JB,lower=$WORK" "$JM" 2>&1) &&
	fail "a journal of lower=/ mounted with lower=$WORK"
assert_match "^mmfs: journal=$J records lower=/: " "$err" "the refusal"
if mountpoint -q "$JM"; then fail "$JM is mounted"; fi
