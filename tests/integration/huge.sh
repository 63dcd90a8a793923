# mmfs-options: -o ram=1G
# huge: MAP_HUGETLB through the mount, as on the Linux 6.18 host with
# nr_hugepages=8 (reservation at mmap, a pool page per 2 MiB fault, smaps
# Private_Hugetlb, status HugetlbPages, meminfo HugePages_*), pool back
# after munmap. The machine checker must answer ok after every step.

exec 3<>"$MNT/proc/1/ctl"
cmd() {
	local r
	echo "$*" >&3 2>/dev/null
	read -r r <&3
	printf '%s' "$r"
}
exec 4<>"$MNT/ctl"
check_ok() {
	local r
	echo check >&4
	read -r r <&4
	assert_eq ok "$r" "mm_check after $1"
}
pool() {
	printf '%s %s %s %s' "$(meminfo_kb HugePages_Total)" "$(meminfo_kb HugePages_Free)" \
		"$(meminfo_kb HugePages_Rsvd)" "$(meminfo_kb Hugetlb)"
}
# smaps_of ADDR: the smaps block of the VMA starting at ADDR (hex, no 0x)
smaps_of() {
	awk -v a="$1" '/^[0-9a-f]+-[0-9a-f]+ /{ split($1, r, "-"); f = (r[1] == a) } f' \
		"$MNT/proc/1/smaps"
}

echo 8 >"$MNT/proc/sys/vm/nr_hugepages"
assert_eq 8 "$(cat "$MNT/proc/sys/vm/nr_hugepages")" "nr_hugepages"
assert_eq "8 8 0 16384" "$(pool)" "pool before"
check_ok "nr_hugepages"

A=0x7f0000000000
assert_eq $A "$(cmd mmap $A 6M rw- private,anon,hugetlb,fixed)" "mmap hugetlb"
assert_eq "8 8 3 16384" "$(pool)" "6 MiB reserves 3 pages"
check_ok "mmap"
assert_match '^7f0000000000-7f0000600000 rw-p 00000000 00:11 [0-9]+ +/anon_hugepage \(deleted\)$' \
	"$(grep anon_hugepage "$MNT/proc/1/maps")" "maps line"

assert_eq 0 "$(cmd touch $A 4K w)" "touch w"
assert_eq 0 "$(cmd touch $((A + 0x200000)) 4K r)" "touch r"
assert_eq "8 6 1 16384" "$(pool)" "two faults take two reserved pages"
check_ok "touch"

expected=$(cat <<'SMAPS'
Size:               6144 kB
KernelPageSize:     2048 kB
MMUPageSize:        2048 kB
Rss:                   0 kB
Pss:                   0 kB
Pss_Dirty:             0 kB
Shared_Clean:          0 kB
Shared_Dirty:          0 kB
Private_Clean:         0 kB
Private_Dirty:         0 kB
Referenced:            0 kB
Anonymous:             0 kB
KSM:                   0 kB
LazyFree:              0 kB
AnonHugePages:         0 kB
ShmemPmdMapped:        0 kB
FilePmdMapped:         0 kB
Shared_Hugetlb:        0 kB
Private_Hugetlb:    4096 kB
Swap:                  0 kB
SwapPss:               0 kB
Locked:                0 kB
THPeligible:           0
VmFlags: rd wr mr mw me de ht 
SMAPS
)
assert_eq "$expected" "$(smaps_of 7f0000000000 | tail -n +2)" "smaps of the touched VMA"
assert_eq 4096 "$(status_kb HugetlbPages 1)" "status HugetlbPages"

S=0x7f0000800000
assert_eq $S "$(cmd mmap $S 2M rw- shared,anon,hugetlb,fixed)" "mmap shared hugetlb"
assert_match 'VmFlags: rd wr sh mr mw me ms de ht $' "$(smaps_of 7f0000800000)" "shared VmFlags"
assert_eq "8 6 2 16384" "$(pool)" "shared reserves"
check_ok "mmap shared"

assert_match "^error EINVAL: " "$(cmd munmap $((A + 4096)) 2M)" "munmap unaligned start"
assert_match "^error EINVAL: " "$(cmd mprotect $A 4K r--)" "mprotect unaligned"
assert_match "^error EINVAL: " "$(cmd mmap 0x7f0000a01000 2M rw- private,anon,hugetlb,fixed)" "fixed unaligned"
assert_match "^error ENOMEM: " "$(cmd mmap 0 20M rw- private,anon,hugetlb)" "more than the pool"

assert_eq 0 "$(cmd munmap $A 6M)" "munmap"
assert_eq 0 "$(cmd munmap $S 2M)" "munmap shared"
assert_eq "8 8 0 16384" "$(pool)" "pool back"
assert_eq 0 "$(status_kb HugetlbPages 1)" "status HugetlbPages after munmap"
check_ok "munmap"
echo 0 >"$MNT/proc/sys/vm/nr_hugepages"
assert_eq "0 0 0 0" "$(pool)" "pool released"
check_ok "nr_hugepages=0"
