# mmfs-options: -o ram=128M,swap=256M
# reclaim: memory pressure through the mount, as a person watches it. A
# machine of 128 MiB RAM and 256 MiB swap is made to hold more than its RAM;
# each scenario checks what Linux 6.18 does (reference reclaim.md): the
# oldest pages go first, mlocked memory stays, MADV_FREE pages are dropped
# rather than swapped, swap-in counts major faults, fork shares swap
# entries, swapon/swapoff move pages between devices, clean page cache goes
# before anonymous memory and its refault is recognised. Every view must agree (Rss + Swap = what was touched,
# Used = SwapTotal - SwapFree, SwapCached = nr_swapcached * 4), check must
# answer ok after every step, and once everything has exited and swap is
# empty the buddy allocator is back to its boot state.

exec 4<>"$MNT/ctl"
gcmd() {
	local r
	echo "$*" >&4 2>/dev/null || true
	read -r r <&4
	printf '%s' "$r"
}
check_ok() {
	assert_eq ok "$(gcmd check)" "check after $1"
}
pcmd() {	# pcmd PID COMMAND...: one command of a process, its reply
	local r
	echo "${*:2}" >&"${FD[$1]}" 2>/dev/null || true
	read -r r <&"${FD[$1]}"
	printf '%s' "$r"
}
declare -A FD=()
open_ctl() {
	local fd
	exec {fd}<>"$MNT/proc/$1/ctl"
	FD[$1]=$fd
}
# vma_kb PID ADDR FIELD: a field of the smaps block of the VMA at ADDR (hex, no 0x)
vma_kb() {
	awk -v a="$2" -v k="$3:" '/^[0-9a-f]+-[0-9a-f]+ /{ split($1, r, "-"); f = (r[1] == a) }
		f && $1 == k { print $2; exit }' "$MNT/proc/$1/smaps"
}
swap_used_kb() {
	awk 'NR > 1 { u += $4 } END { print u + 0 }' "$MNT/proc/swaps"
}
views_agree() {
	local total free cached
	total=$(meminfo_kb SwapTotal)
	free=$(meminfo_kb SwapFree)
	cached=$(meminfo_kb SwapCached)
	assert_eq "$((total - free))" "$(swap_used_kb)" "$1: swaps Used = SwapTotal - SwapFree"
	assert_eq "$cached" "$(($(vmstat_val nr_swapcached) * 4))" "$1: SwapCached = nr_swapcached * 4"
}
kept0=$(($(meminfo_kb MemFree) + $(meminfo_kb Slab)))

# the scenarios run in a process of their own, which exits at the end
W=$(gcmd spawn worker)
assert_match '^[0-9]+$' "$W" "spawn"
open_ctl "$W"

# ---- the oldest anonymous pages go first ----
A=0x100000000 B=0x200000000 C=0x300000000
assert_eq $A "$(pcmd $W mmap $A 32M rw- private,anon,fixed)" "mmap A"
assert_eq 0 "$(pcmd $W touch $A 32M w)" "touch A"
assert_eq $B "$(pcmd $W mmap $B 32M rw- private,anon,fixed)" "mmap B"
assert_eq 0 "$(pcmd $W touch $B 32M w)" "touch B"
assert_eq $C "$(pcmd $W mmap $C 96M rw- private,anon,fixed)" "mmap C"
assert_eq 0 "$(pcmd $W touch $C 96M w)" "touch C: more than RAM, with swap free"
check_ok "160 MiB touched in 128 MiB"
assert_eq 32768 "$(vma_kb $W 100000000 Swap)" "A, the oldest, went to swap whole"
assert_eq 0 "$(vma_kb $W 100000000 Rss)" "A has nothing resident"
for v in 100000000:32768 200000000:32768 300000000:98304; do
	a=${v%%:*} size=${v##*:}
	assert_eq "$size" "$(($(vma_kb $W $a Rss) + $(vma_kb $W $a Swap)))" "Rss + Swap of $a"
done
assert_eq "$(status_kb VmSwap $W)" "$(awk '$1 == "Swap:" { s += $2 } END { print s }' "$MNT/proc/$W/smaps")" \
	"VmSwap = the Swap of the VMAs"
# touch w leaves zero-filled pages: Linux 6.12+ stores nothing for them
assert_eq 0 "$(vmstat_val pswpout)" "no page with data went out"
assert_lt 0 "$(vmstat_val swpout_zero)" "zero pages went out"
assert_lt 0 "$(vmstat_val pgsteal_kswapd)" "kswapd reclaimed"
assert_lt 0 "$(vmstat_val pageoutrun)" "kswapd ran"
views_agree "after the pressure"
# the first slot of a fresh device is 1: pagemap reads type 0, offset 1
pm=$(dd if="$MNT/proc/$W/pagemap" bs=8 skip=$((A / 4096)) count=1 2>/dev/null | od -An -tx8 | tr -d ' ')
assert_eq 4000000000000020 "$pm" "pagemap of A's first page: swap, type 0, offset 1"

# ---- swap-in: a read fault is major, keeps the slot and the swap-cache copy ----
echo 0 >"$MNT/proc/sys/vm/page-cluster"
maj0=$(awk '{ print $12 }' "$MNT/proc/$W/stat")
used0=$(swap_used_kb)
assert_eq 0 "$(pcmd $W touch $A 4K r)" "read fault on a swapped page"
assert_eq $((maj0 + 1)) "$(awk '{ print $12 }' "$MNT/proc/$W/stat")" "majflt"
assert_eq 1 "$(vmstat_val swpin_zero)" "one zero page read in"
assert_eq "$used0" "$(swap_used_kb)" "a read fault keeps the slot"
assert_eq 4 "$(vma_kb $W 100000000 Rss)" "A: one page resident"
assert_eq 32764 "$(vma_kb $W 100000000 Swap)" "A: the rest on swap"
views_agree "after a read fault"
assert_eq 0 "$(pcmd $W touch $((A + 4096)) 4K w)" "write fault on a swapped page"
assert_eq $((maj0 + 2)) "$(awk '{ print $12 }' "$MNT/proc/$W/stat")" "majflt"
assert_eq $((used0 - 4)) "$(swap_used_kb)" "a write fault frees the slot"
views_agree "after a write fault"
echo 3 >"$MNT/proc/sys/vm/page-cluster"
check_ok "swap-in"

# ---- fork shares swap entries: SwapPss halves ----
child=$(pcmd $W fork)
assert_match '^[0-9]+$' "$child" "fork"
assert_eq 32760 "$(vma_kb "$child" 100000000 Swap)" "the child's Swap"
assert_eq 16380 "$(vma_kb "$child" 100000000 SwapPss)" "the child's SwapPss, half"
assert_eq 16380 "$(vma_kb $W 100000000 SwapPss)" "the parent's SwapPss, half"
used=$(swap_used_kb)
assert_eq 0 "$(gcmd kill "$child")" "kill the child"
assert_eq "$used" "$(swap_used_kb)" "the parent still refers to every slot"
assert_eq 32760 "$(vma_kb $W 100000000 SwapPss)" "the parent's SwapPss, whole again"
check_ok "fork and kill"

# ---- munmap frees slots ----
assert_eq 0 "$(pcmd $W munmap $A 32M)" "munmap A"
# its swap entries' slots, and the slot of the page the read fault brought
# back (the swap cache kept it; the last unmap lets it go: free_swap_cache)
assert_eq $((used - 32760 - 4)) "$(swap_used_kb)" "A's slots are free"
views_agree "after munmap"
assert_eq 0 "$(pcmd $W munmap $B 32M)" "munmap B"
assert_eq 0 "$(pcmd $W munmap $C 96M)" "munmap C"
assert_eq 0 "$(swap_used_kb)" "swap is empty"
check_ok "munmap"

# ---- mlocked memory stays; MADV_FREE pages are dropped, not swapped ----
L=0x400000000 F=0x500000000 P=0x600000000
assert_eq $L "$(pcmd $W mmap $L 24M rw- private,anon,fixed,locked)" "mmap locked"
assert_eq $F "$(pcmd $W mmap $F 32M rw- private,anon,fixed)" "mmap F"
assert_eq 0 "$(pcmd $W touch $F 32M w)" "touch F"
assert_eq 0 "$(pcmd $W madvise $F 32M free)" "MADV_FREE F"
out0=$(($(vmstat_val swpout_zero) + $(vmstat_val pswpout)))
assert_eq $P "$(pcmd $W mmap $P 160M rw- private,anon,fixed)" "mmap P"
assert_eq 0 "$(pcmd $W touch $P 160M w)" "touch P"
check_ok "pressure with locked and lazyfree memory"
assert_eq 24576 "$(vma_kb $W 400000000 Rss)" "the locked VMA is resident whole"
assert_eq 0 "$(vma_kb $W 400000000 Swap)" "and nothing of it on swap"
assert_eq 0 "$(vma_kb $W 500000000 Swap)" "lazyfree pages are not swapped"
# reclaim dropped what it needed of them (it may leave a few when the file
# lists became too small to scan): each one dropped counts in pglazyfreed
assert_eq $((8192 - $(vma_kb $W 500000000 Rss) / 4)) "$(vmstat_val pglazyfreed)" \
	"pglazyfreed: every lazyfree page not resident was dropped"
assert_lt "$(vma_kb $W 500000000 Rss)" 1024 "most lazyfree pages were dropped"
assert_eq 163840 "$(($(vma_kb $W 600000000 Rss) + $(vma_kb $W 600000000 Swap)))" "Rss + Swap of P"
assert_lt 0 "$(($(vmstat_val swpout_zero) + $(vmstat_val pswpout) - out0))" "P went to swap"
views_agree "after locked/lazyfree"

# ---- swapon: a second device with a higher priority takes the new pages ----
assert_eq 0 "$(gcmd swapon /swap2 64M 10)" "swapon"
assert_match $'/swap2 +file\t\t65532\t\t0\t\t10' "$(grep swap2 "$MNT/proc/swaps")" "swaps line"
assert_eq "$((256 * 1024 - 4 + 65532))" "$(meminfo_kb SwapTotal)" "SwapTotal of both"
assert_eq 0 "$(pcmd $W munmap $L 24M)" "munmap L"
Q=0x700000000
assert_eq $Q "$(pcmd $W mmap $Q 64M rw- private,anon,fixed)" "mmap Q"
assert_eq 0 "$(pcmd $W touch $Q 64M w)" "touch Q"
assert_lt 0 "$(awk '$1 == "/swap2" { print $4 }' "$MNT/proc/swaps")" "the new device is used"
views_agree "after swapon"
check_ok "swapon"
assert_eq "error EBUSY: /swap2 is already a swap device" "$(gcmd swapon /swap2 64M)" "swapon twice"
assert_eq "error EINVAL: /nothing is not a swap device" "$(gcmd swapoff /nothing)" "swapoff of no device"
# ---- swapoff: every page comes back, or ENOMEM ----
assert_eq "error ENOMEM: not enough memory to take back what /swapfile holds" \
	"$(gcmd swapoff /swapfile)" "swapoff of more than memory can hold"
check_ok "a failed swapoff"
assert_eq 0 "$(pcmd $W munmap $P 160M)" "munmap P"
assert_eq 0 "$(gcmd swapoff /swap2)" "swapoff /swap2"
assert_eq 0 "$(grep -c swap2 "$MNT/proc/swaps" || true)" "/swap2 gone from swaps"
assert_eq "$((256 * 1024 - 4))" "$(meminfo_kb SwapTotal)" "SwapTotal of one"
assert_eq 65536 "$(($(vma_kb $W 700000000 Rss) + $(vma_kb $W 700000000 Swap)))" "Rss + Swap of Q"
views_agree "after swapoff"
check_ok "swapoff"

# ---- clean page cache goes first, and a refault of it is recognised ----
assert_eq 0 "$(pcmd $W munmap $F 32M)" "munmap F"
assert_eq 0 "$(gcmd kill "$W")" "the worker exits, its memory still half on swap"
assert_eq 0 "$(swap_used_kb)" "swap is empty again"
head -c 48M /dev/zero | tr '\0' 'x' >"$MNT/files/cache"
assert_eq 0 "$(gcmd sync)" "sync: the cache is clean"
file0=$(vmstat_val pgsteal_file) out0=$(($(vmstat_val swpout_zero) + $(vmstat_val pswpout)))
W=$(gcmd spawn worker2)
open_ctl "$W"
R=0x800000000
assert_eq $R "$(pcmd $W mmap $R 64M rw- private,anon,fixed)" "mmap R"
assert_eq 0 "$(pcmd $W touch $R 64M w)" "touch R: 48 MiB of cache + 64 MiB in 128 MiB"
assert_lt "$file0" "$(vmstat_val pgsteal_file)" "page cache was reclaimed"
assert_eq "$out0" "$(($(vmstat_val swpout_zero) + $(vmstat_val pswpout)))" \
	"nothing was swapped while the cache could give way"
cat "$MNT/files/cache" >/dev/null
assert_lt 0 "$(vmstat_val workingset_refault_file)" "reading it again refaults its shadows"
check_ok "page cache under pressure"
assert_eq 0 "$(gcmd kill "$W")" "the second worker exits"
rm "$MNT/files/cache"
# ---- everything gone: swap empty, every page free or in a slab as at boot ----
assert_eq 0 "$(swap_used_kb)" "swap is empty"
assert_eq 0 "$(meminfo_kb SwapCached)" "SwapCached"
echo 3 >"$MNT/proc/sys/vm/drop_caches"
check_ok "the end"
# the slab caches keep empty slabs (min_partial), so not the boot's buddyinfo itself
assert_eq "$kept0" "$(($(meminfo_kb MemFree) + $(meminfo_kb Slab)))" "MemFree + Slab back to boot's"
