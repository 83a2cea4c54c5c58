#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmap.h"
#include "bytes.h"
#include "dir.h"
#include "msg.h"
#include "xio.h"

#define READMAX	DIR_READMAX

/* Is this "." or ".."? */
int
dir_isdot(const struct dent *d)
{
	return (d->namlen == 1 && d->name[0] == '.') ||
	    (d->namlen == 2 && d->name[0] == '.' && d->name[1] == '.');
}

/* What makes an entry's lengths unusable, in why; 0 if nothing. */
static int
badlengths(uint16_t reclen, size_t room, const struct dent *d, char *why,
    size_t len)
{
	if (reclen < 8 || reclen % 4 != 0)
		snprintf(why, len, "record length %u, not a multiple of 4 "
		    "from 8", reclen);
	else if (reclen > room)
		snprintf(why, len, "record length %u, past the end of its "
		    "512-byte block (%zu bytes left)", reclen, room);
	else if (d->ino != 0 && (d->namlen == 0 || d->namlen > UFS_MAXNAMLEN))
		snprintf(why, len, "name length %u, not from 1 to %d",
		    d->namlen, UFS_MAXNAMLEN);
	else if (d->ino != 0 && (size_t)d->namlen + 8 > reclen)
		snprintf(why, len, "name length %u, longer than its record of "
		    "%u bytes holds", d->namlen, reclen);
	else
		return 0;
	return -1;
}

/*
 * Why the entry at p (room bytes left in its block) is unusable, in
 * why (len bytes), or NULL.
 */
static const char *
badentry(const struct ufs *fs, const unsigned char *p, size_t room,
    struct dent *d, char *why, size_t len)
{
	uint16_t reclen = get16(p + 4, fs->be);

	d->ino = get32(p, fs->be);
	if (fs->oldinofmt) {
		d->type = 0;
		d->namlen = get16(p + 6, fs->be);
	} else {
		d->type = p[6];
		d->namlen = p[7];
	}
	d->name = p + 8;
	if (badlengths(reclen, room, d, why, len) != 0)
		return why;
	if (d->ino == 0)
		return NULL;
	if (memchr(d->name, '/', d->namlen) != NULL)
		return "a name with '/' in it";
	if (memchr(d->name, '\0', d->namlen) != NULL)
		return "a name with a NUL byte in it";
	return NULL;
}

/*
 * Hand every entry of len bytes of directory blocks (at offset off in
 * directory dirino) to fn.  A damaged entry is reported and the rest of
 * its 512-byte block skipped.
 */
int
dir_blocks(const struct ufs *fs, uint32_t dirino, const unsigned char *p,
    size_t len, uint64_t off, dent_fn fn, void *arg, unsigned long *errors)
{
	size_t blk, loc;
	struct dent d;
	const char *why;
	char buf[128];
	int rc;

	for (blk = 0; blk + DIRBLKSIZ <= len; blk += DIRBLKSIZ) {
		for (loc = 0; loc + 8 <= DIRBLKSIZ; loc += get16(p + blk +
		    loc + 4, fs->be)) {
			why = badentry(fs, p + blk + loc, DIRBLKSIZ - loc, &d,
			    buf, sizeof(buf));
			if (why != NULL) {
				warnmsg("%s: directory inode %u: entry at "
				    "offset %llu: %s; the rest of its block "
				    "is skipped", fs->dev, dirino,
				    (unsigned long long)(off + blk + loc), why);
				(*errors)++;
				break;
			}
			if (d.ino == 0)
				continue;
			d.off = off + blk + loc;
			if (fn != NULL && (rc = fn(arg, &d)) != 0)
				return rc;
		}
	}
	return 0;
}

struct dwalk {
	const struct ufs	*fs;
	const struct dinode	*dp;
	unsigned char		*buf;
	dent_fn			 fn;
	void			*arg;
	unsigned long		*errors;
};

struct lostdir {
	struct dwalk	*w;
	off_t		 base;		/* device byte of buf[0] */
	unsigned char	 bad[READMAX / DIRBLKSIZ];	/* per directory block */
};

/*
 * A sector of a directory could not be read: the entries in it are
 * lost, reported and counted the first time only.
 */
static void
lostentries(void *arg, off_t at, size_t len, unsigned long nsec,
    int err)
{
	struct lostdir *l = arg;
	const struct ufs *fs = l->w->fs;
	size_t i;

	(void)nsec;
	for (i = (size_t)(at - l->base) / DIRBLKSIZ;
	    i < (size_t)(at - l->base + (off_t)len + DIRBLKSIZ - 1) / DIRBLKSIZ;
	    i++)
		l->bad[i] = 1;
	if (sectorio_seen(fs->sio, at))
		return;
	(*l->w->errors)++;
	errno = err != 0 ? err : EIO;
	warnmsg("%s: directory inode %u: %zu bytes at byte %lld cannot be "
	    "read; the entries in them are lost:", fs->dev, l->w->dp->ino,
	    len, (long long)at);
}

/* Hand the entries of the directory blocks of buf that were read to fn. */
static int
goodblocks(struct dwalk *w, const struct lostdir *l, size_t n, uint64_t off)
{
	size_t a, b;
	int rc;

	for (a = 0; a < n; a = b) {
		for (; a < n && l->bad[a / DIRBLKSIZ]; a += DIRBLKSIZ)
			continue;
		for (b = a; b < n && !l->bad[b / DIRBLKSIZ]; b += DIRBLKSIZ)
			continue;
		if (b > a && (rc = dir_blocks(w->fs, w->dp->ino, w->buf + a,
		    b - a, off + a, w->fn, w->arg, w->errors)) != 0)
			return rc;
	}
	return 0;
}

static int
dirrun(void *arg, const struct run *r)
{
	struct dwalk *w = arg;
	const struct ufs *fs = w->fs;
	struct lostdir l;
	uint64_t done, n;
	int rc;

	if (r->frag == 0) {
		warnmsg("%s: directory inode %u: a hole of %llu bytes at "
		    "offset %llu", fs->dev, w->dp->ino,
		    (unsigned long long)r->len, (unsigned long long)r->off);
		(*w->errors)++;
		return 0;
	}
	for (done = 0; done < r->len; done += n) {
		n = r->len - done < READMAX ? r->len - done : READMAX;
		l.base = (off_t)r->frag * fs->fsize + (off_t)done;
		if (ufs_pread(fs, w->buf, (size_t)n, l.base) == 0) {
			rc = dir_blocks(fs, w->dp->ino, w->buf, (size_t)n,
			    r->off + done, w->fn, w->arg, w->errors);
		} else {
			l.w = w;
			memset(l.bad, 0, sizeof(l.bad));
			ufs_salvage(fs, w->buf, (size_t)n, l.base, lostentries,
			    &l);
			rc = goodblocks(w, &l, (size_t)n, r->off + done);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * Read every entry of directory dp, with ibuf (UFS_NIADDR * bsize bytes)
 * for its indirect blocks and dbuf (DIR_READMAX bytes) for its blocks.
 * Returns 0, or fn's nonzero result.
 */
int
dir_walk(const struct ufs *fs, const struct dinode *dp, unsigned char *ibuf,
    unsigned char *dbuf, dent_fn fn, void *arg, unsigned long *errors)
{
	struct dwalk w = {
		.fs = fs, .dp = dp, .buf = dbuf, .fn = fn, .arg = arg,
		.errors = errors
	};

	return bmap_walk(fs, dp, 0, ibuf, dirrun, &w, errors);
}
