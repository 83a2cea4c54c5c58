#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bmap.h"
#include "bytes.h"
#include "msg.h"
#include "xio.h"

struct walk {
	const struct ufs	*fs;
	const struct dinode	*dp;
	int			 ext;
	unsigned char		*ibuf;
	run_fn			 emit;
	void			*arg;
	unsigned long		*errors;
	uint64_t		 size;		/* bytes to cover */
	uint64_t		 nblk;		/* logical blocks to cover */
	uint64_t		 lbn;		/* next logical block */
	int64_t			 allocated;	/* fragments met so far */
	struct run		 pend;
	int			 havepend;
	int64_t			 chain[UFS_NIADDR];	/* indirect blocks above */
	int			 depth;
	int			 stop;		/* emit's nonzero result */
	unsigned long		 bad;		/* damage met in this walk */
};

/*
 * A damaged indirect block can hold thousands of bad pointers, and a
 * damaged file system thousands of such blocks: each walk names the first
 * few, then counts the rest in one line at its end.
 */
#define MAXCOMPLAINTS	10

/* Count one piece of damage; should it still be named? */
static int
complain(struct walk *w)
{
	(*w->errors)++;
	return ++w->bad <= MAXCOMPLAINTS;
}

static const char *
area(const struct walk *w)
{
	return w->ext ? "extended-attribute block" : "block";
}

static void
add(struct walk *w, uint64_t off, int64_t frag, uint64_t len)
{
	struct run *p = &w->pend;
	int fsize = w->fs->fsize;

	if (w->stop || len == 0)
		return;
	if (w->havepend && p->off + p->len == off &&
	    ((p->frag == 0 && frag == 0) ||
	    (p->frag != 0 && frag != 0 && p->len % (uint64_t)fsize == 0 &&
	    p->frag + (int64_t)(p->len / (uint64_t)fsize) == frag))) {
		p->len += len;
		return;
	}
	if (w->havepend)
		w->stop = w->emit(w->arg, p);
	p->off = off;
	p->frag = frag;
	p->len = len;
	w->havepend = 1;
}

/*
 * What is wrong with a pointer to nfrags fragments at addr, in words
 * that follow "block N at fragment F", or NULL if nothing: all of it
 * lies inside the file system, a full block on a block boundary, a tail
 * of fragments inside one block.
 */
static const char *
badaddr(const struct walk *w, int64_t addr, int nfrags, char *why,
    size_t len)
{
	const struct ufs *fs = w->fs;

	if (addr <= 0 || addr >= fs->size)
		snprintf(why, len, "lies outside the file system (%lld "
		    "fragments)", (long long)fs->size);
	else if (addr > fs->size - nfrags)
		snprintf(why, len, "runs past the end of the file system "
		    "with its %d fragments (%lld fragments)", nfrags,
		    (long long)fs->size);
	else if (nfrags == fs->frag && addr % fs->frag != 0)
		snprintf(why, len, "is not on a block boundary (a block is "
		    "%d fragments)", fs->frag);
	else if (addr % fs->frag + nfrags > fs->frag)
		snprintf(why, len, "crosses a block boundary with its %d "
		    "fragments (a block is %d fragments)", nfrags, fs->frag);
	else
		return NULL;
	return why;
}

/* Has the map claimed more space than the file system has? */
static int
toomuch(struct walk *w, int nfrags)
{
	w->allocated += nfrags;
	if (w->allocated <= w->fs->size)
		return 0;
	warnmsg("%s: inode %u: block map claims more than the file system's "
	    "%lld fragments; the rest is dumped as a hole", w->fs->dev,
	    w->dp->ino, (long long)w->fs->size);
	(*w->errors)++;
	return 1;
}

/* Logical block w->lbn, mapped to addr (0: a hole). */
static void
piece(struct walk *w, int64_t addr)
{
	const struct ufs *fs = w->fs;
	uint64_t off = w->lbn << fs->bshift;
	uint64_t len = w->size - off;
	int nfrags, i, bad = 0;
	char why[128];

	if (len > (uint64_t)fs->bsize)
		len = (uint64_t)fs->bsize;
	/* Only a file's last direct block may be a run of fragments. */
	nfrags = w->lbn < UFS_NDADDR ?
	    (int)((len + (uint64_t)fs->fsize - 1) >> fs->fshift) : fs->frag;
	if (addr != 0 && badaddr(w, addr, nfrags, why, sizeof(why))) {
		if (complain(w))
			warnmsg("%s: inode %u: %s %llu at fragment %lld %s; "
			    "dumped as zeros", fs->dev, w->dp->ino, area(w),
			    (unsigned long long)w->lbn, (long long)addr, why);
		bad = 1;
	}
	for (i = 0; addr != 0 && !bad && i < w->depth; i++) {
		if (w->chain[i] != addr)
			continue;
		if (complain(w))
			warnmsg("%s: inode %u: %s %llu at fragment %lld is one "
			    "of the file's own indirect blocks; dumped as "
			    "zeros", fs->dev, w->dp->ino, area(w),
			    (unsigned long long)w->lbn, (long long)addr);
		bad = 1;
	}
	/* A bad pointer still counts against the map's size. */
	if (addr != 0 && toomuch(w, nfrags)) {
		w->lbn = w->nblk;
		add(w, off, 0, w->size - off);
		return;
	}
	add(w, off, bad ? 0 : addr, len);
	w->lbn++;
}

/* A hole of up to span logical blocks starting at w->lbn. */
static void
hole(struct walk *w, uint64_t span)
{
	uint64_t off = w->lbn << w->fs->bshift;

	if (span > w->nblk - w->lbn)
		span = w->nblk - w->lbn;
	w->lbn += span;
	add(w, off, 0, w->lbn == w->nblk ? w->size - off :
	    span << w->fs->bshift);
}

struct lostind {
	struct walk	*w;
	int64_t		 addr;
};

/* A sector of an indirect block could not be read: its pointers are 0. */
static void
lostpointers(void *arg, off_t at, size_t len, unsigned long nsec,
    int err)
{
	struct lostind *l = arg;
	const struct ufs *fs = l->w->fs;
	size_t wide = fs->ufs2 ? 8 : 4;
	off_t first = (at - (off_t)l->addr * fs->fsize) / (off_t)wide;

	(void)nsec;
	if (sectorio_seen(fs->sio, at) || !complain(l->w))
		return;
	errno = err;
	if (err != 0)
		warnmsg("%s: inode %u: indirect block at fragment %lld: %zu "
		    "bytes at byte %lld (pointers %lld to %lld) cannot be "
		    "read; the blocks they point to are dumped as holes:",
		    fs->dev, l->w->dp->ino, (long long)l->addr, len,
		    (long long)at, (long long)first,
		    (long long)first + (long long)(len / wide) - 1);
	else
		warnmsg("%s: inode %u: indirect block at fragment %lld: %zu "
		    "bytes at byte %lld lie past the end of the device; the "
		    "blocks they point to are dumped as holes", fs->dev,
		    l->w->dp->ino, (long long)l->addr, len, (long long)at);
}

/* Indirect block addr at level (0: single), mapping span blocks. */
static void
indirect(struct walk *w, int64_t addr, int level, uint64_t span)
{
	const struct ufs *fs = w->fs;
	unsigned char *buf = w->ibuf + (size_t)level * (size_t)fs->bsize;
	uint64_t sub = span / (uint64_t)fs->nindir;
	int i, bad = 0, wide = fs->ufs2 ? 8 : 4;
	char why[128];
	int64_t a;
	struct lostind lost;

	if (addr == 0) {
		hole(w, span);
		return;
	}
	if (badaddr(w, addr, fs->frag, why, sizeof(why))) {
		if (complain(w))
			warnmsg("%s: inode %u: indirect block at fragment %lld "
			    "(level %d, logical block %llu) %s; its blocks are "
			    "dumped as zeros", fs->dev, w->dp->ino,
			    (long long)addr, level + 1,
			    (unsigned long long)w->lbn, why);
		bad = 1;
	}
	for (i = 0; !bad && i < w->depth; i++) {
		if (w->chain[i] != addr)
			continue;
		if (complain(w))
			warnmsg("%s: inode %u: indirect block at fragment %lld "
			    "points back at itself from level %d; its blocks "
			    "are dumped as zeros", fs->dev, w->dp->ino,
			    (long long)addr, level + 1);
		bad = 1;
	}
	/* A bad pointer still counts against the map's size. */
	if (toomuch(w, fs->frag)) {
		hole(w, w->nblk - w->lbn);
		return;
	}
	if (bad) {
		hole(w, span);
		return;
	}
	if (ufs_pread(fs, buf, (size_t)fs->bsize, (off_t)addr * fs->fsize) != 0) {
		lost.w = w;
		lost.addr = addr;
		ufs_salvage(fs, buf, (size_t)fs->bsize, (off_t)addr * fs->fsize,
		    lostpointers, &lost);
	}
	w->chain[w->depth++] = addr;
	for (i = 0; i < fs->nindir && w->lbn < w->nblk && !w->stop; i++) {
		a = wide == 8 ? (int64_t)get64(buf + 8 * i, fs->be) :
		    (int32_t)get32(buf + 4 * i, fs->be);
		if (level == 0)
			piece(w, a);
		else
			indirect(w, a, level - 1, sub);
	}
	w->depth--;
}

int
bmap_walk(const struct ufs *fs, const struct dinode *dp, int ext,
    unsigned char *ibuf, run_fn emit, void *arg, unsigned long *errors)
{
	struct walk w;
	const int64_t *ptr = ext ? dp->extb : dp->db;
	int ndirect = ext ? UFS_NXADDR : UFS_NDADDR, i;
	uint64_t span = 1;

	memset(&w, 0, sizeof(w));
	w.fs = fs;
	w.dp = dp;
	w.ext = ext;
	w.ibuf = ibuf;
	w.emit = emit;
	w.arg = arg;
	w.errors = errors;
	w.size = ext ? dp->extsize : dp->size;
	if (w.size > ufs_addressable(fs->bsize, fs->ufs2)) {
		/* Damage: walked as a hole it would be endless work. */
		(*errors)++;
		warnmsg("%s: inode %u: size %llu is beyond the %llu bytes its "
		    "block pointers address; the rest is not walked", fs->dev,
		    dp->ino, (unsigned long long)w.size,
		    (unsigned long long)ufs_addressable(fs->bsize, fs->ufs2));
		w.size = ufs_addressable(fs->bsize, fs->ufs2);
	}
	w.nblk = (w.size + (uint64_t)fs->bsize - 1) >> fs->bshift;
	for (i = 0; i < ndirect && w.lbn < w.nblk && !w.stop; i++)
		piece(&w, ptr[i]);
	for (i = 0; !ext && i < UFS_NIADDR && w.lbn < w.nblk && !w.stop; i++) {
		span *= (uint64_t)fs->nindir;
		indirect(&w, dp->ib[i], i, span);
	}
	if (w.havepend && !w.stop)
		w.stop = emit(arg, &w.pend);
	if (w.bad > MAXCOMPLAINTS)
		warnmsg("%s: inode %u: %lu more damaged %s pointers, dumped as "
		    "zeros like the first %d", fs->dev, dp->ino,
		    w.bad - MAXCOMPLAINTS, area(&w), MAXCOMPLAINTS);
	return w.stop;
}
