// SPDX-License-Identifier: MIT
/*
 * render_ipc.c - proc/sysvipc/shm, in Linux 6.18's format
 * (sysvipc_shm_proc_show on 64-bit: SIZE_SPEC is %21lu), which ipcs -m
 * reads. uid, gid, cuid and cgid are 0: every simulated process is root.
 * Times are wall-clock seconds as Linux prints them: the mount time (btime)
 * plus the simulated time of the event, so they agree with ps's STIME; a
 * time never set stays 0 (ipcs: "Not set").
 */
#include <inttypes.h>

#include "../mm/mm.h"
#include "render.h"

static uint64_t wall(const struct render_clock *c, uint64_t ns)
{
	return ns ? (uint64_t)c->btime + ns / 1000000000ULL : 0;
}

void render_sysvipc_shm(struct rbuf *b, const struct mm_global_snap *s,
			const struct render_clock *c)
{
	rbuf_puts(b, "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  "
		     "cuid  cgid      atime      dtime      ctime                   rss                  swap\n");
	for (int i = 0; i < s->nr_shm; i++) {
		const struct mm_shm_snap *p = &s->shm[i];

		rbuf_printf(b, "%10d %10d  %4o %21" PRIu64 " %5d %5d  %5" PRIu64
			    " %5u %5u %5u %5u %10" PRIu64 " %10" PRIu64 " %10" PRIu64
			    " %21" PRIu64 " %21" PRIu64 "\n",
			    p->key, p->id, p->mode, p->segsz, p->cpid, p->lpid, p->nattch,
			    0u, 0u, 0u, 0u, wall(c, p->atime), wall(c, p->dtime), wall(c, p->ctime),
			    p->rss * 4096, p->swap * 4096);
	}
}
