/*
 * Pass II of dump(8): a directory goes on the tape when it holds
 * something that does, so that restore can put the dumped inodes back at
 * their paths; directories that lead to nothing dumped are dropped; a
 * nodump directory passes its flag on to everything below it.  Repeated
 * until nothing changes, since a parent may have a lower inode number
 * than its children.
 */
#include <stdint.h>
#include <string.h>

#include "bitmap.h"
#include "dir.h"
#include "dscan.h"
#include "msg.h"

#define HASDUMPEDFILE	0x1
#define HASSUBDIRS	0x2

struct search {
	struct scan	*s;
	int		 nodump;
	int		 ret;
};

static int
searchent(void *arg, const struct dent *d)
{
	struct search *x = arg;
	struct scan *s = x->s;

	if (dir_isdot(d) || d->ino >= s->fs.maxino)
		return 0;	/* the tree check reports a bad number */
	if (x->nodump) {
		/* Below a nodump directory nothing is dumped, and its
		 * subdirectories become nodump directories too. */
		if (bm_isset(s->dump, d->ino)) {
			bm_clr(s->dump, d->ino);
			s->ninodes--;
		}
		if (bm_isset(s->dirs, d->ino)) {
			bm_set(s->dirmap, d->ino);
			bm_clr(s->used, d->ino);
			x->ret |= HASSUBDIRS;
		}
		return 0;
	}
	if (bm_isset(s->dump, d->ino))
		x->ret |= HASDUMPEDFILE;
	if (bm_isset(s->dirmap, d->ino))
		x->ret |= HASSUBDIRS;
	return x->ret == (HASDUMPEDFILE | HASSUBDIRS);
}

/* One sweep over the directories; nonzero if any map changed. */
static int
sweep(struct scan *s)
{
	const struct ufs *fs = &s->fs;
	const unsigned char *raw;
	struct search x;
	struct dinode di;
	uint64_t ino = 0;
	int change = 0;

	while ((ino = bm_next(s->dirmap, ino + 1, fs->maxino)) < fs->maxino) {
		x.s = s;
		x.ret = 0;
		x.nodump = s->level >= s->honor && !bm_isset(s->used, ino);
		if (bm_isset(s->dump, ino) && !x.nodump)
			continue;
		if (scan_getraw(s, (uint32_t)ino, &raw) <= 0)
			continue;
		ufs_decode(fs, raw, (uint32_t)ino, &di);
		if ((di.mode & UFS_IFMT) != UFS_IFDIR)
			continue;
		dir_walk(fs, &di, s->indbuf, s->dirbuf, searchent, &x,
		    &s->errors);
		if (x.ret & HASDUMPEDFILE) {
			bm_set(s->dump, ino);
			s->ninodes++;
			change = 1;
			continue;
		}
		if (x.nodump) {
			if (x.ret & HASSUBDIRS)
				change = 1;	/* subdirectories inherit it */
			bm_clr(s->dirmap, ino);
		} else if (!(x.ret & HASSUBDIRS) && !bm_isset(s->dump, ino)) {
			bm_clr(s->dirmap, ino);
			change = 1;
		}
	}
	return change;
}

/* Pass II; returns the number of sweeps it took. */
int
scan_mapdirs(struct scan *s)
{
	int sweeps = 0;

	s->dirmap = bm_new(s->fs.maxino);
	if (s->dirmap == NULL)
		die(DS_STARTUP, "out of memory for %u inodes", s->fs.maxino);
	memcpy(s->dirmap, s->dirs, (size_t)(s->fs.maxino / 8 + 1));
	if (!s->dirskipped)
		return 0;
	while (sweep(s))
		sweeps++;
	scan_reestimate(s);
	return sweeps + 1;
}
