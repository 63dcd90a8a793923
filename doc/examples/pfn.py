import os, struct, sys

pid, addr = int(sys.argv[1]), int(sys.argv[2], 0)
with open(f"mnt/proc/{pid}/pagemap", "rb") as f:       # 8 bytes per virtual page
    entry, = struct.unpack("<Q", os.pread(f.fileno(), 8, addr // 4096 * 8))
present, exclusive, pfn = entry >> 63, entry >> 56 & 1, entry & ((1 << 55) - 1)
with open("mnt/proc/kpagecount", "rb") as f:            # 8 bytes per page frame
    count, = struct.unpack("<Q", os.pread(f.fileno(), 8, pfn * 8))
print(f"pid {pid} {addr:#x}: present {present} exclusive {exclusive} "
      f"pfn {pfn:#x} mapcount {count}")
