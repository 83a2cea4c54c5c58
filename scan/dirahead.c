/*
 * Read-ahead of directory blocks.  dscan reads every directory it dumps
 * in inode order, each a few KiB somewhere on the disk: with a cold
 * cache that is thousands of small reads, one after the other, before
 * any data moves.  So, ahead of the reader, the blocks of the next
 * batch of directories are announced to the system with
 * posix_fadvise(POSIX_FADV_WILLNEED) in the order they lie on the disk,
 * nearby ones as one range, and the disk reads them while the reader
 * works through the batch before.  A batch is at most DA_SPANS ranges or
 * DA_BYTES bytes; the next one is announced when the reader reaches the
 * middle of the last, so memory and the cache it fills stay bounded.
 *
 * Only advice: the reads themselves, their errors and their messages
 * are the reader's, as without it.  The inodes are read through a small
 * window of its own (the scan's is left alone), and only the direct
 * blocks of a directory (the first UFS_NDADDR blocks; larger directories
 * are rare and still read whole) are announced.  Where the system has no
 * POSIX_FADV_WILLNEED, nothing is done.
 */
#include <sys/types.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "dscan.h"

#define DA_SPANS	4096
#define DA_BYTES	(16u << 20)
#define DA_GAP		(64 << 10)	/* read across gaps this small */
#define DA_INODES	256		/* inodes read at once */

struct span {
	off_t	off;
	off_t	len;
};

#ifdef POSIX_FADV_WILLNEED
static int
byoffset(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* The raw inode ino, through the window of our own; NULL if unreadable. */
static const unsigned char *
rawinode(struct dirahead *da, uint32_t ino)
{
	const struct ufs *fs = &da->s->fs;
	uint32_t base = ino - ino % fs->ipg, n;

	if (ino < da->ifirst || ino >= da->ifirst + da->icount) {
		da->ifirst = ino - (ino - base) % (uint32_t)fs->inopb;
		n = base + fs->ipg - da->ifirst;
		da->icount = n < DA_INODES ? n : DA_INODES;
		if (ufs_readinodes(fs, da->ifirst, da->icount, da->ibuf) != 0)
			da->icount = 0;
	}
	if (ino < da->ifirst || ino >= da->ifirst + da->icount)
		return NULL;
	return da->ibuf + (size_t)(ino - da->ifirst) * (size_t)fs->dinsize;
}

/* Add the direct blocks of directory ino to the batch; returns bytes. */
static uint64_t
addspans(struct dirahead *da, uint32_t ino)
{
	const struct ufs *fs = &da->s->fs;
	const unsigned char *raw = rawinode(da, ino);
	struct dinode di;
	uint64_t lbn, len, bytes = 0;
	int i;

	if (raw == NULL)
		return 0;
	ufs_decode(fs, raw, ino, &di);
	if ((di.mode & UFS_IFMT) != UFS_IFDIR)
		return 0;
	for (i = 0; i < UFS_NDADDR && da->n < DA_SPANS; i++) {
		lbn = (uint64_t)i * (uint64_t)fs->bsize;
		if (lbn >= di.size)
			break;
		if (di.db[i] <= 0 || di.db[i] >= fs->size)
			continue;
		len = di.size - lbn < (uint64_t)fs->bsize ? di.size - lbn :
		    (uint64_t)fs->bsize;
		da->v[da->n].off = (off_t)di.db[i] * fs->fsize;
		da->v[da->n].len = (off_t)len;
		da->n++;
		bytes += len;
	}
	return bytes;
}

/* Announce the spans of the batch, in disk order, nearby ones merged. */
static void
announce(struct dirahead *da)
{
	size_t i;
	off_t at, end;

	qsort(da->v, da->n, sizeof(*da->v), byoffset);
	for (i = 0; i < da->n; ) {
		at = da->v[i].off;
		end = at + da->v[i].len;
		for (i++; i < da->n && da->v[i].off <= end + DA_GAP; i++)
			if (da->v[i].off + da->v[i].len > end)
				end = da->v[i].off + da->v[i].len;
		(void)posix_fadvise(da->s->fs.fd, at, end - at,
		    POSIX_FADV_WILLNEED);
	}
	da->n = 0;
}

/* Gather and announce the next batch of directories. */
static void
batch(struct dirahead *da)
{
	const struct scan *s = da->s;
	uint64_t bytes = 0, ino = da->next;
	int half = 0;

	while (da->n < DA_SPANS && bytes < DA_BYTES &&
	    (ino = bm_next(da->map, ino, s->fs.maxino)) < s->fs.maxino) {
		if (bm_isset(s->dirs, ino))
			bytes += addspans(da, (uint32_t)ino);
		if (!half && (da->n >= DA_SPANS / 2 || bytes >= DA_BYTES / 2)) {
			da->refill = ino;
			half = 1;
		}
		ino++;
	}
	da->next = ino;
	if (!half)
		da->refill = ino;
	announce(da);
}
#endif

/* Read ahead of a reader of the directories of map, in inode order. */
void
dirahead_start(struct dirahead *da, const struct scan *s,
    const unsigned char *map)
{
	memset(da, 0, sizeof(*da));
	da->s = s;
	da->map = map;
	da->next = 1;
#ifdef POSIX_FADV_WILLNEED
	da->ibuf = malloc((size_t)DA_INODES * (size_t)s->fs.dinsize);
	da->v = malloc(DA_SPANS * sizeof(*da->v));
	if (da->ibuf == NULL || da->v == NULL)
		dirahead_end(da);	/* only advice: go without */
#endif
}

/* The reader is at directory ino: announce more when it is time. */
void
dirahead_at(struct dirahead *da, uint64_t ino)
{
#ifdef POSIX_FADV_WILLNEED
	if (da->v != NULL && ino >= da->refill && da->next < da->s->fs.maxino)
		batch(da);
#else
	(void)da;
	(void)ino;
#endif
}

void
dirahead_end(struct dirahead *da)
{
	free(da->ibuf);
	free(da->v);
	da->ibuf = NULL;
	da->v = NULL;
}
