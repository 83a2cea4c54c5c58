/*
 * Fuzz the inode decoder and the block-map walker: the input is a whole
 * image.  Every inode of every group that looks allocated is decoded and
 * checked as dscan's pass I does; the block map of each that passes is
 * walked, data and (UFS2) extended-attribute area, and the runs must
 * keep bmap.h's promises.  Directories are also read entry by entry, as
 * dscan's pass II does.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmap.h"
#include "bytes.h"
#include "dir.h"
#include "fuzz.h"
#include "ufs.h"

/*
 * Every walk is bounded by the file system's size, which ufs_openfd
 * keeps within the image, but a hostile image can make each of its
 * inodes walk a whole indirect block per block of the file system: the
 * work grows with the square of the image.  (It once also printed a
 * complaint for every bad pointer, far beyond a second a run:
 * regress/inode/indirect-warning-flood.)  The largest seed, 320 KiB,
 * holds every structure read here; larger inputs only make runs slow.
 */
#define MAXIMAGE	(320 * 1024)

struct runcheck {
	const struct ufs	*fs;
	const struct dinode	*dp;
	int			 ext;
	uint64_t		 size;	/* bytes the runs must cover */
	uint64_t		 next;	/* offset the next run must start at */
	int			 tail;	/* a run ended mid-block: no more */
};

/* Runs are contiguous from 0, not empty, and lie in the file system. */
static int
onrun(void *arg, const struct run *r)
{
	struct runcheck *c = arg;
	const struct ufs *fs = c->fs;
	uint64_t room;

	if (r->len == 0 || r->off != c->next || r->len > c->size - r->off)
		BUG("inode %u%s: run at %llu of %llu bytes where %llu was due "
		    "(size %llu)", c->dp->ino, c->ext ? " (ext)" : "",
		    (unsigned long long)r->off, (unsigned long long)r->len,
		    (unsigned long long)c->next, (unsigned long long)c->size);
	if (c->tail)
		BUG("inode %u%s: a run after one that ends mid-block",
		    c->dp->ino, c->ext ? " (ext)" : "");
	if (r->frag < 0 || r->frag > fs->size)
		BUG("inode %u%s: run at fragment %lld of %lld", c->dp->ino,
		    c->ext ? " (ext)" : "", (long long)r->frag,
		    (long long)fs->size);
	if (r->frag > 0) {
		room = (uint64_t)(fs->size - r->frag) * (uint64_t)fs->fsize;
		if (r->len > room)
			BUG("inode %u%s: run of %llu bytes at fragment %lld "
			    "runs past the end (%lld fragments)", c->dp->ino,
			    c->ext ? " (ext)" : "", (unsigned long long)r->len,
			    (long long)r->frag, (long long)fs->size);
	}
	c->next += r->len;
	if (c->next % (uint64_t)fs->bsize != 0)
		c->tail = 1;
	return 0;
}

static void
walk(const struct ufs *fs, const struct dinode *dp, int ext,
    unsigned char *ibuf)
{
	struct runcheck c;
	unsigned long errors = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	c.fs = fs;
	c.dp = dp;
	c.ext = ext;
	c.size = ext ? dp->extsize : dp->size;
	rc = bmap_walk(fs, dp, ext, ibuf, onrun, &c, &errors);
	if (rc != 0)
		BUG("inode %u: bmap_walk returned %d", dp->ino, rc);
	if (c.next != c.size)
		BUG("inode %u%s: runs cover %llu of %llu bytes", dp->ino,
		    ext ? " (ext)" : "", (unsigned long long)c.next,
		    (unsigned long long)c.size);
}

struct entcheck {
	const struct ufs	*fs;
	const struct dinode	*dp;
};

/* Entries are whole, inside the directory, with a usable name. */
static int
onentry(void *arg, const struct dent *d)
{
	struct entcheck *c = arg;

	if (d->ino == 0)
		BUG("directory %u: an entry for inode 0 handed on",
		    c->dp->ino);
	if (d->namlen == 0 || d->namlen > UFS_MAXNAMLEN ||
	    memchr(d->name, '/', d->namlen) != NULL ||
	    memchr(d->name, '\0', d->namlen) != NULL)
		BUG("directory %u: a bad name of %u bytes", c->dp->ino,
		    d->namlen);
	if (d->off % 4 != 0 || d->off >= c->dp->size ||
	    d->off % DIRBLKSIZ + 8 + d->namlen > DIRBLKSIZ)
		BUG("directory %u: entry at offset %llu, name of %u bytes",
		    c->dp->ino, (unsigned long long)d->off, d->namlen);
	return 0;
}

/* One inode that looks allocated, as dscan's passes would use it. */
static void
inode(const struct ufs *fs, const unsigned char *raw, uint32_t ino,
    unsigned char *ibuf)
{
	static unsigned char dirbuf[DIR_READMAX];
	struct dinode di;
	struct entcheck ec;
	unsigned long errors = 0;
	const char *why;

	ufs_decode(fs, raw, ino, &di);
	if (ufs_checkino(fs, &di, &why) != 0)
		return;
	if (ufs_isshortlink(fs, &di)) {
		if (di.size > sizeof(di.shortlink))
			BUG("inode %u: a short link of %llu bytes", ino,
			    (unsigned long long)di.size);
		(void)memchr(di.shortlink, '\0', (size_t)di.size);
	}
	walk(fs, &di, 0, ibuf);
	if (fs->ufs2)
		walk(fs, &di, 1, ibuf);
	if ((di.mode & UFS_IFMT) == UFS_IFDIR) {
		ec.fs = fs;
		ec.dp = &di;
		if (dir_walk(fs, &di, ibuf, dirbuf, onentry, &ec, &errors) != 0)
			BUG("directory %u: dir_walk stopped by itself", ino);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ufs fs;
	struct cginfo ci;
	const unsigned char *raw;
	unsigned char *cg, *ib, *ibuf;
	uint32_t c, i, ino, inited;
	int fd;

	if (size > MAXIMAGE)
		return 0;
	fd = fuzz_file(data, size, 0, NULL);
	if (ufs_openfd(&fs, fd, "fuzz") != 0)
		return 0;
	if ((uint64_t)fs.size > size / (uint64_t)fs.fsize)
		BUG("a file system of %lld fragments of %d bytes accepted on "
		    "an image of %zu bytes", (long long)fs.size, fs.fsize,
		    size);
	cg = malloc((size_t)fs.cgsize);
	ib = malloc((size_t)fs.bsize);
	ibuf = malloc((size_t)UFS_NIADDR * (size_t)fs.bsize);
	if (cg == NULL || ib == NULL || ibuf == NULL)
		FATAL("malloc");
	for (c = 0; c < fs.ncg; c++) {
		/* Like dscan: an unreadable or bad header means all. */
		if (ufs_readcg(&fs, c, cg, &ci) != 0 || !ci.ok)
			inited = fs.ipg;
		else
			inited = ci.initediblk;
		for (ino = 0; ino < inited; ino += (uint32_t)fs.inopb) {
			if (ufs_readinodes(&fs, c * fs.ipg + ino,
			    (uint32_t)fs.inopb, ib) != 0)
				break;
			for (i = 0; i < (uint32_t)fs.inopb &&
			    ino + i < inited; i++) {
				raw = ib + (size_t)i * (size_t)fs.dinsize;
				if ((get16(raw, fs.be) & UFS_IFMT) == 0)
					continue;
				inode(&fs, raw, c * fs.ipg + ino + i, ibuf);
			}
		}
	}
	free(cg);
	free(ib);
	free(ibuf);
	return 0;
}
