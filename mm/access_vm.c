/* SPDX-License-Identifier: MIT */
/*
 * access_vm.c - proc/PID/mem: a debugger's reads and writes of another
 * address space (kernel: access_remote_vm with FOLL_FORCE), faulting pages
 * in as needed.
 */
#include <string.h>

#include "internal.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "memory.h"
#include "memory_internal.h"
#include "rmap.h"
#include "filemap.h"
#include "huge_memory.h"
#include "task.h"
#include "vma.h"

/* May a debugger touch this VMA (FOLL_FORCE: private mappings may be written by COW)? */
static int remote_access_ok(struct vm_area_struct *vma, int write)
{
	uint64_t f = vma->vm_flags;

	if (f & (MM_VM_IO | MM_VM_PFNMAP))
		return 0;
	if (write)
		return (f & MM_VM_WRITE) || (!(f & MM_VM_SHARED) && (f & MM_VM_MAYWRITE));
	return (f & MM_VM_READ) || (f & MM_VM_MAYREAD);
}

long access_remote_vm(struct machine *m, struct task *t, uint64_t addr, void *buf,
		      size_t len, int write)
{
	struct alloc_retry retry = { 0 };
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done, off = a & (MM_PAGE_SIZE - 1);
		size_t n = MM_PAGE_SIZE - off < len - done ? MM_PAGE_SIZE - off : len - done;
		struct vm_area_struct *vma = vma_lookup(t->mm, a);
		struct page *page;
		uint64_t pfn = 0;
		pte_t *pte;
		char *p;

		if (!vma || !remote_access_ok(vma, write) || vma->special != VMA_SPECIAL_NONE)
			break;
		pte = follow_entry(m, t->mm, a, &pfn);
		/* a PROT_NONE entry is followed as any other (gup_can_follow_protnone) */
		if (!pte ||
		    (write && !pte_write(*pte) && !(!pmd_trans_huge(*pte) && page_is_anon_pte(m, *pte) &&
						    !(vma->vm_flags & MM_VM_WRITE)))) {
			unsigned flags = FAULT_FLAG_REMOTE | (write ? FAULT_FLAG_WRITE : 0);
			unsigned fault = handle_mm_fault(m, t, vma, a, flags);

			if ((fault & VM_FAULT_OOM) && alloc_retry(m, &retry) == ALLOC_RETRY)
				continue;	/* the same page again */
			if (fault & VM_FAULT_ERROR)
				break;
			retry.no_progress_loops = 0;
			pte = follow_entry(m, t->mm, a, &pfn);
			if (!pte)
				break;
		}
		if (pfn == m->zero_pfn || (m->huge_zero_pfn && pfn - m->huge_zero_pfn < HPAGE_PMD_NR)) {
			if (write)
				break;
			memset((char *)buf + done, 0, n);
			done += n;
			continue;
		}
		page = pfn_to_page(m, pfn);
		p = (char *)page_address(m, page) + off;
		if (!write) {
			if (PageFlag(page, PG_zeroed))
				memset((char *)buf + done, 0, n);
			else
				memcpy((char *)buf + done, p, n);
		} else {
			if (PageFlag(page, PG_zeroed)) {
				memset(page_address(m, page), 0, MM_PAGE_SIZE);
				ClearPageFlag(page, PG_zeroed);
			}
			memcpy(p, (const char *)buf + done, n);
			*pte |= _PAGE_DIRTY | _PAGE_ACCESSED;
			/* outside readers of the file (a real mmap) must see the bytes */
			if (PageFlag(page, PG_dirty))
				filemap_notify_page(m, page);
			set_page_dirty(m, page);
		}
		done += n;
	}
	return done ? (long)done : -EIO;
}
