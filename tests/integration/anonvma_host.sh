# anonvma_host: the anon_vma and anon_vma_chain objects of a fork tree,
# against the host kernel. anonvma_probe (anonvma_probe.c) measures on the
# host what K written anonymous VMAs cost per process at fork, at a
# grandchild's fork, at the exit of the middle process (its anon_vmas stay
# for the grandchild) and at the grandchild's own fork (which reuses the
# middle process's orphaned anon_vmas); the same script runs here through
# ctl, read from proc/slabinfo, and the two must be equal.

K=16
PROBE=${MMFS_ANONVMA_PROBE:-}
if [[ -z $PROBE ]]; then
	PROBE=$WORK/anonvma_probe
	cc -O1 -o "$PROBE" "$MMFS_IT_DIR/anonvma_probe.c" ||
		{ echo "anonvma_host: SKIP: no probe and no compiler" >&2; exit 77; }
fi
[[ -r /sys/kernel/slab/anon_vma_chain/objects ]] ||
	{ echo "anonvma_host: SKIP: the host has no /sys/kernel/slab" >&2; exit 77; }
"$PROBE" "$K" 600 >"$WORK/host.txt"

# cmd PID COMMAND: the reply of process PID's ctl
cmd() {
	local fd r
	exec {fd}<>"$MNT/proc/$1/ctl"
	echo "$2" >&"$fd"
	read -r r <&"$fd"
	exec {fd}>&-
	echo "$r"
}
# active anon_vma and anon_vma_chain objects, from slabinfo
objs() {
	awk '$1 == "anon_vma" { a = $2 } $1 == "anon_vma_chain" { c = $2 } END { print a, c }' \
		"$MNT/proc/slabinfo"
}

# run K N: the probe's four steps with N processes per level; prints the
# four deltas of both caches, whole (not divided by N)
run() {
	local k=$1 n=$2 p a i s0 s1 s2 s3 s4 b=() d=() e=()
	exec 3<>"$MNT/ctl"
	echo spawn >&3
	read -r p <&3
	exec 3>&-
	if ((k)); then
		a=$(mmap_anon "$p" $((2 * k * 4096)))
		for ((i = 0; i < k; i++)); do
			assert_eq 0 "$(cmd "$p" "munmap $((a + (2 * i + 1) * 4096)) 4096")" "munmap"
			assert_eq 0 "$(cmd "$p" "touch $((a + 2 * i * 4096)) 1 w")" "touch"
		done
	fi
	s0=$(objs)
	for ((i = 0; i < n; i++)); do b+=("$(cmd "$p" fork)"); done
	s1=$(objs)
	for ((i = 0; i < n; i++)); do d+=("$(cmd "${b[i]}" fork)"); done
	s2=$(objs)
	for ((i = 0; i < n; i++)); do assert_eq 0 "$(cmd "${b[i]}" exit)" "exit"; done
	s3=$(objs)
	for ((i = 0; i < n; i++)); do e+=("$(cmd "${d[i]}" fork)"); done
	s4=$(objs)
	for x in "$p" "${d[@]}" "${e[@]}"; do assert_eq 0 "$(cmd "$x" exit)" "exit"; done
	echo "$s0 $s1 $s2 $s3 $s4"
}

N=2
read -r -a w <<<"$(run "$K" "$N")"
read -r -a z <<<"$(run 0 "$N")"
steps=(fork grandchild middle_exit reuse)
for ((s = 0; s < 4; s++)); do
	for j in 0 1; do
		delta=$(( (w[2 * s + 2 + j] - w[2 * s + j]) - (z[2 * s + 2 + j] - z[2 * s + j]) ))
		((delta % N == 0)) || fail "${steps[s]}: $delta objects is not a multiple of $N"
		v[j]=$((delta / N))
	done
	echo "${steps[s]} anon_vma ${v[0]} anon_vma_chain ${v[1]}"
done >"$WORK/mmfs.txt"

cat "$WORK/host.txt"
if ! diff -u "$WORK/host.txt" "$WORK/mmfs.txt"; then
	fail "mmfs's anon_vma tree costs unlike the host's (diff above)"
fi
# Linux's rule, whatever the host: K, 2K; K, 3K; 0, -2K; 0 (reused), 3K
assert_eq "fork anon_vma $K anon_vma_chain $((2 * K))" "$(sed -n 1p "$WORK/mmfs.txt")" "fork"
assert_eq "reuse anon_vma 0 anon_vma_chain $((3 * K))" "$(sed -n 4p "$WORK/mmfs.txt")" "reuse"
