# view: the pictures of view/ through a real mount. Every file is
# well-formed, its st_size is what a read returns, the same state reads the
# same bytes, buddy.svg's bars are buddyinfo's counts, address-space.svg's
# rows are maps' lines, index.html shows every process and refreshes
# itself; a 1 TiB machine and a process with 100k VMAs render in well under
# a second.
# mmfs-options: -o ram=1G

V=$MNT/view
for f in index.html buddy.svg physical.svg 1/address-space.svg; do
	assert_exists "$V/$f"
done
assert_eq "1 buddy.svg index.html physical.svg" "$(ls "$V" | sort | tr '\n' ' ' | sed 's/ $//')" "ls view"

echo spawn >"$MNT/ctl"
addr=$(mmap_anon 2 16M)
echo "touch $addr 4M w" >"$MNT/proc/2/ctl"
echo "touch $((addr + (8 << 20))) 1M r" >"$MNT/proc/2/ctl"

# st_size is what a read returns; two reads of the same state are the same bytes
for f in index.html buddy.svg physical.svg 1/address-space.svg 2/address-space.svg \
	2/pagetable.svg 2/walk; do
	size=$(stat -c %s "$V/$f")
	cat "$V/$f" >"$WORK/a"
	cat "$V/$f" >"$WORK/b"
	assert_eq "$size" "$(stat -c %s "$WORK/a")" "st_size of view/$f"
	assert_file_eq "$WORK/a" "$WORK/b" "view/$f read twice"
	assert_lt 10 "$size" "size of view/$f"
done

# the pictures against the text files, and what every picture must carry
"$PY" - "$MNT" <<'PYEOF'
import re, sys, xml.etree.ElementTree as ET
mnt = sys.argv[1]
NS = '{http://www.w3.org/2000/svg}'

def svg(path):
    root = ET.parse(f'{mnt}/view/{path}').getroot()
    assert root.tag == NS + 'svg', path
    assert root.get('width') == '1280', f'{path}: drawn for 1280 px'
    texts = ' '.join(''.join(t.itertext()) for t in root.iter(NS + 'text'))
    assert root.find(NS + 'title') is not None, f'{path}: a title'
    assert root.find(f'.//{NS}g[@class="legend"]') is not None, f'{path}: a legend'
    return root, texts

def fail(msg):
    print('FAIL:', msg, file=sys.stderr)
    sys.exit(1)

# buddy.svg: one bar per zone and order, with buddyinfo's count
root, texts = svg('buddy.svg')
bars = {(b.get('data-node'), b.get('data-zone'), int(b.get('data-order'))): int(b.get('data-blocks'))
        for b in root.iter(NS + 'g') if b.get('class') == 'bar'}
want = {}
for line in open(f'{mnt}/proc/buddyinfo'):
    m = re.match(r'Node (\d+), zone\s+(\S+)\s+(.*)', line)
    for o, n in enumerate(m.group(3).split()):
        want[(m.group(1), m.group(2), o)] = int(n)
if bars != want:
    fail(f'buddy.svg bars {bars} != buddyinfo {want}')
for key in ('Unmovable', 'Movable', 'Reclaimable'):
    if key not in texts:
        fail(f'buddy.svg legend lacks {key}')

# physical.svg: a cell per pageblock of each zone; the legend; units
root, texts = svg('physical.svg')
cells = [g for g in root.iter(NS + 'g') if g.get('class') == 'cell']
zones = [g for g in root.iter(NS + 'g') if g.get('class') == 'zone']
if [z.get('data-zone') for z in zones] != ['DMA', 'DMA32']:
    fail(f'physical.svg zones {[z.get("data-zone") for z in zones]}')
spanned = {}
zone = None
for line in open(f'{mnt}/proc/zoneinfo'):
    m = re.match(r'Node \d+, zone\s+(\S+)', line)
    if m:
        zone = m.group(1)
    m = re.match(r'\s+spanned\s+(\d+)', line)
    if m and zone in ('DMA', 'DMA32'):
        spanned[zone] = int(m.group(1))
for z in zones:
    n = len([g for g in z.iter(NS + 'g') if g.get('class') == 'cell'])
    # pageblocks the zone's span touches (DMA starts at pfn 1)
    start = 1 if z.get('data-zone') == 'DMA' else 4096
    want = (start + spanned[z.get('data-zone')] - 1) // 512 - start // 512 + 1
    if n != want:
        fail(f'physical.svg zone {z.get("data-zone")}: {n} cells, {want} pageblocks')
for key in ('free', 'anonymous', 'page cache', 'page tables', 'reserved', '2 MiB'):
    if key not in texts:
        fail(f'physical.svg lacks "{key}"')
anon = sum(int(x) for c in cells for x in re.findall(r'anonymous (\d+)', c.find(NS + 'title').text))
anon_kb = int(re.search(r'AnonPages:\s+(\d+)', open(f'{mnt}/proc/meminfo').read()).group(1))
if anon * 4 != anon_kb:
    fail(f'physical.svg anonymous pages {anon} vs AnonPages {anon_kb} kB')

# pagetable.svg: four levels, a legend, tables drawn
for pid in ('1', '2'):
    root, texts = svg(f'{pid}/pagetable.svg')
    for key in ('PGD', 'PUD', 'PMD', 'PTE', 'on the walk', 'entries used'):
        if key not in texts:
            fail(f'pid {pid}: pagetable.svg lacks {key}')

# address-space.svg: one row per VMA, titled with its line of maps
for pid in ('1', '2'):
    root, texts = svg(f'{pid}/address-space.svg')
    rows = [g.find(NS + 'title').text for g in root.iter(NS + 'g') if g.get('class') == 'vma']
    maps = [l.rstrip('\n') for l in open(f'{mnt}/proc/{pid}/maps') if '[vsyscall]' not in l]
    if rows != maps:
        fail(f'pid {pid}: rows {rows} != maps {maps}')
    for l in maps:
        name = l.split()[5] if len(l.split()) > 5 else '[anon]'
        if name not in texts:
            fail(f'pid {pid}: {name} not named')
    for key in ('resident', 'not present', 'zero page', 'heap', 'stack'):
        if key not in texts:
            fail(f'pid {pid}: legend lacks {key}')
root, texts = svg('2/address-space.svg')
if 'rw-p 16 MiB [anon]' not in texts:
    fail('the 16 MiB mapping labelled with perms and size')

# index.html: refreshes itself, shows every picture of every process, no script
html = open(f'{mnt}/view/index.html').read()
if '<meta http-equiv="refresh" content="1">' not in html:
    fail('index.html does not refresh')
if '<script' in html:
    fail('index.html has JavaScript')
for src in ('buddy.svg', 'physical.svg', '1/address-space.svg', '2/address-space.svg',
            '1/pagetable.svg', '2/pagetable.svg'):
    if f'src="{src}"' not in html:
        fail(f'index.html lacks {src}')
PYEOF

# pagetable.svg walks what view/PID/walk was given, to the frame pagemap names
assert_eq "address-space.svg pagetable.svg walk" "$(ls "$V/2" | tr '\n' ' ' | sed 's/ $//')" "ls view/2"
grep -q 'a 4 KiB page, pfn' "$V/2/pagetable.svg" || fail "the first walk does not reach a page"
where=$((addr + 0x5000))
printf '%#x\n' "$where" >"$V/2/walk"
assert_eq "$(printf '%#x' "$where")" "$(cat "$V/2/walk")" "view/2/walk"
pfn=$("$PY" -c "
import struct, sys
with open('$MNT/proc/2/pagemap', 'rb') as f:
    f.seek(($where >> 12) * 8)
    e = struct.unpack('<Q', f.read(8))[0]
print(hex(e & ((1 << 55) - 1)) if e >> 63 else 'absent')")
svg=$(cat "$V/2/pagetable.svg")
[[ $svg == *"data-addr=\"$(printf '%#x' "$where")\""* ]] || fail "pagetable.svg walks another address"
[[ $svg == *"PTE["$(((where >> 12) & 511))"] of the table"*"a 4 KiB page, pfn $pfn<"* ]] ||
	fail "the walk does not end at pagemap's pfn $pfn"
assert_eq 4 "$(grep -c 'data-walk="1"' <<<"$svg")" "tables on the walk"
for bad in zz "" 0x 0x800000000000 "12 34" 0x10000000000000000; do
	expect_fail "Invalid argument" "printf '%s\n' '$bad' >'$V/2/walk'"
done
head -c 100000 /dev/urandom >"$WORK/junk"
expect_fail "Invalid argument" "cat '$WORK/junk' >'$V/2/walk'"
assert_eq "$(printf '%#x' "$where")" "$(cat "$V/2/walk")" "view/2/walk after bad input"
expect_fail "Permission denied" "echo 1 >'$V/2/pagetable.svg'"

# the picture follows the model: a kill takes the process away
echo 'kill 2' >"$MNT/ctl"
grep -q 'src="2/' "$V/index.html" && fail "index.html still shows pid 2"
assert_missing "$V/2"
expect_fail "No such file" cat "$V/9999/address-space.svg"

# time_ms CMD...: milliseconds the command takes
time_ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# 100k VMAs: every other page of a mapping made writable
echo 300000 >"$MNT/proc/sys/vm/max_map_count"
echo spawn >"$MNT/ctl"
addr=$(mmap_anon 3 400M r--)
"$PY" -c "
import sys
sys.stdout.write(''.join('mprotect %#x 4096 rw-\n' % ($addr + i * 8192) for i in range(50000)))
" >"$MNT/proc/3/ctl"
nr=$(wc -l <"$MNT/proc/3/maps")
assert_lt 100000 "$nr" "VMAs of pid 3"
ms=$(time_ms cat "$V/3/address-space.svg")
echo "view: address-space.svg of $nr VMAs: $ms ms" >&2
assert_lt "$ms" 1000 "ms to render address-space.svg of $nr VMAs"
grep -q 'consecutive VMAs share a row' "$V/3/address-space.svg" || fail "100k VMAs not aggregated"

# a 1 TiB machine
big=$WORK/big
MMFS_MOUNT_TIMEOUT=60 mmfs_mount "$big" -o ram=1T,nodes=4
echo spawn >"$big/ctl"
ms=$(time_ms cat "$big/view/physical.svg")
echo "view: physical.svg of ram=1T: $ms ms" >&2
assert_lt "$ms" 1000 "ms to render physical.svg of ram=1T"
grep -q 'one cell = 512 pageblocks = 1 GiB' "$big/view/physical.svg" || fail "1 TiB not aggregated"
mmfs_umount "$big"
