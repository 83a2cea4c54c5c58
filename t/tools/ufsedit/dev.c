/*
 * The image itself: bounded reads and writes with an undo log, the
 * superblock, the summary area and the cylinder group headers, and the
 * commit that writes them back after each command.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "ufsedit.h"
#include "xio.h"

/* Superblock offsets beyond those lib/ufs.c reads (struct fs). */
#define SB_OLD_TIME	32
#define SB_OLD_CSADDR	152
#define SB_CSSIZE	156
#define SB_OLD_CSTOTAL	192
#define SB_OLD_FLAGS	211
#define SB_SBSIZE	104
#define SB_CSTOTAL	1008
#define SB_TIME		1072
#define SB_CSADDR	1096
#define SB_SNAPINUM	1116
#define SB_CKHASH	1304
#define SB_METACKHASH	1308
#define SB_FLAGS	1312
#define SB_CONTIGSUMSIZE 1316
#define NSNAPSHOTS	20

#define FS_FLAGS_UPDATED 0x80
#define FS_METACKHASH	0x200

static const unsigned char zeros[MAXBSIZE];

int
fail(struct ed *ed, const char *fmt, ...)
{
	va_list ap;

	if (ed->err[0] != '\0')		/* the first reason is the real one */
		return -1;
	va_start(ap, fmt);
	vsnprintf(ed->err, sizeof(ed->err), fmt, ap);
	va_end(ap);
	return -1;
}

uint32_t
crc32c(const unsigned char *p, size_t n)
{
	static uint32_t table[256];
	static int ready;
	uint32_t c, crc = 0xffffffffu;
	int i, k;

	if (!ready) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
			table[i] = c;
		}
		ready = 1;
	}
	/* FreeBSD's calculate_crc32c(~0, ...): no final inversion. */
	while (n-- > 0)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

/* xorshift64*: new generation numbers, reproducible under -t. */
uint32_t
rnd32(struct ed *ed)
{
	ed->rng ^= ed->rng >> 12;
	ed->rng ^= ed->rng << 25;
	ed->rng ^= ed->rng >> 27;
	return (uint32_t)((ed->rng * 0x2545f4914f6cdd1dull) >> 32);
}

static int64_t
fsbytes(const struct ed *ed)
{
	return ed->fs.size * ed->fs.fsize;
}

int
dev_read(struct ed *ed, int64_t off, void *buf, size_t len)
{
	ssize_t n;

	if (off < 0 || (uint64_t)len > (uint64_t)fsbytes(ed) ||
	    off > fsbytes(ed) - (int64_t)len)
		return fail(ed, "internal error: read of %zu bytes at byte "
		    "%lld is outside the file system", len, (long long)off);
	n = preadfull(ed->fs.fd, buf, len, (off_t)off);
	if (n < 0)
		return fail(ed, "%s: read at byte %lld: %s", ed->fs.dev,
		    (long long)off, strerror(errno));
	if ((size_t)n != len)
		return fail(ed, "%s: short read at byte %lld", ed->fs.dev,
		    (long long)off);
	return 0;
}

static int
pwritefull(int fd, const unsigned char *p, size_t len, off_t off)
{
	ssize_t r;

	while (len > 0) {
		r = pwrite(fd, p, len, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = ENOSPC;
			return -1;
		}
		p += r;
		len -= (size_t)r;
		off += r;
	}
	return 0;
}

/*
 * Every write lands inside the file system; the bytes it covers are
 * saved first so that a failing command can be undone.
 */
int
dev_write(struct ed *ed, int64_t off, const void *buf, size_t len)
{
	struct undo *u;
	size_t cap;

	if (ed->rdonly)
		return fail(ed, "internal error: write in check mode");
	if (off < 0 || (uint64_t)len > (uint64_t)fsbytes(ed) ||
	    off > fsbytes(ed) - (int64_t)len)
		return fail(ed, "refusing to write %zu bytes at byte %lld: "
		    "outside the file system (%lld bytes)", len,
		    (long long)off, (long long)fsbytes(ed));
	if (ed->nundo == ed->capundo) {
		cap = ed->capundo ? 2 * ed->capundo : 256;
		u = realloc(ed->undo, cap * sizeof(*u));
		if (u == NULL)
			return fail(ed, "out of memory");
		ed->undo = u;
		ed->capundo = cap;
	}
	u = &ed->undo[ed->nundo];
	u->off = (off_t)off;
	u->len = len;
	if ((u->old = malloc(len)) == NULL)
		return fail(ed, "out of memory");
	if (dev_read(ed, off, u->old, len) != 0) {
		free(u->old);
		return -1;
	}
	ed->nundo++;
	if (pwritefull(ed->fs.fd, buf, len, (off_t)off) != 0)
		return fail(ed, "%s: write at byte %lld: %s", ed->fs.dev,
		    (long long)off, strerror(errno));
	return 0;
}

int
dev_zero(struct ed *ed, int64_t frag, int nfrags)
{
	size_t len = (size_t)nfrags * (size_t)ed->fs.fsize;

	return dev_write(ed, frag * ed->fs.fsize, zeros, len);
}

static void
forget_undo(struct ed *ed)
{
	size_t i;

	for (i = 0; i < ed->nundo; i++)
		free(ed->undo[i].old);
	ed->nundo = 0;
}

int64_t
cgdmin(const struct ed *ed, uint32_t cg)
{
	return ufs_cgstart(&ed->fs, cg) + ed->fs.dblkno;
}

/*
 * Does [frag, frag + n) touch metadata: the boot area, a superblock
 * copy, a cylinder group header, inode blocks or the summary area?
 */
int
ismeta(const struct ed *ed, int64_t frag, int n)
{
	const struct ufs *fs = &ed->fs;
	uint32_t cg;
	int64_t lo, hi, cs;

	if (frag < 0 || n <= 0 || frag > fs->size - n)
		return 1;
	cg = (uint32_t)(frag / fs->fpg);
	lo = cg == 0 ? 0 : ufs_cgstart(fs, cg) + fs->sblkno;
	hi = cgdmin(ed, cg);
	if (frag < hi && frag + n > lo)
		return 1;
	cs = (ed->cssize + fs->fsize - 1) / fs->fsize;
	return frag < ed->csaddr + cs && frag + n > ed->csaddr;
}

int32_t
cs_get(const struct ed *ed, uint32_t cg, int field)
{
	return (int32_t)get32(ed->csum + 16 * (size_t)cg + 4 * field,
	    ed->fs.be);
}

static int
loadsb(struct ed *ed)
{
	const struct ufs *fs = &ed->fs;

	if (dev_read(ed, fs->sblockloc, ed->sb, (size_t)ed->sbsize) != 0)
		return -1;
	return dev_read(ed, ed->csaddr * fs->fsize, ed->csum,
	    (size_t)fs->ncg * 16);
}

/* The fields ufsedit needs beyond lib/ufs.c's view, checked. */
static int
setup(struct ed *ed)
{
	const struct ufs *fs = &ed->fs;
	unsigned char head[2048];
	int be = fs->be, i;
	int64_t csfrags;

	if (fs->oldinofmt)
		return fail(ed, "%s: 4.2BSD inode format: not supported",
		    fs->dev);
	if (dev_read(ed, fs->sblockloc, head, sizeof(head)) != 0)
		return -1;
	ed->sbsize = (int32_t)get32(head + SB_SBSIZE, be);
	ed->wide = fs->ufs2 || (head[SB_OLD_FLAGS] & FS_FLAGS_UPDATED);
	if (fs->ufs2 && (get32(head + SB_FLAGS, be) & FS_METACKHASH))
		ed->ckhash = get32(head + SB_METACKHASH, be);
	ed->contigsumsize = (int32_t)get32(head + SB_CONTIGSUMSIZE, be);
	if (ed->contigsumsize < 0 || ed->contigsumsize > FS_MAXCONTIG)
		return fail(ed, "%s: fs_contigsumsize %d is not from 0 to %d",
		    fs->dev, ed->contigsumsize, FS_MAXCONTIG);
	for (i = 0; ed->wide && !ed->rdonly && i < NSNAPSHOTS; i++)
		if (get32(head + SB_SNAPINUM + 4 * i, be) != 0)
			return fail(ed, "%s: the file system has snapshots "
			    "(inode %u): not supported", fs->dev,
			    get32(head + SB_SNAPINUM + 4 * i, be));
	ed->csaddr = fs->ufs2 ? (int64_t)get64(head + SB_CSADDR, be) :
	    (int32_t)get32(head + SB_OLD_CSADDR, be);
	ed->cssize = (int32_t)get32(head + SB_CSSIZE, be);
	csfrags = ((int64_t)ed->cssize + fs->fsize - 1) / fs->fsize;
	if (ed->cssize < 16 * (int64_t)fs->ncg || ed->csaddr <= 0 ||
	    ed->csaddr > fs->size - csfrags)
		return fail(ed, "%s: summary area (fs_csaddr %lld, fs_cssize "
		    "%d) does not fit %u cylinder groups", fs->dev,
		    (long long)ed->csaddr, ed->cssize, fs->ncg);
	ed->nspf = fs->fsize / DEV_BSIZE;
	ed->sb = malloc((size_t)ed->sbsize);
	ed->csum = malloc((size_t)fs->ncg * 16);
	ed->cg = calloc(fs->ncg, sizeof(*ed->cg));
	if (ed->sb == NULL || ed->csum == NULL || ed->cg == NULL)
		return fail(ed, "out of memory for %u cylinder groups",
		    fs->ncg);
	ed->rng = (uint64_t)ed->now * 0x9e3779b97f4a7c15ull ^ fs->id[0] ^
	    (uint64_t)fs->id[1] << 32;
	if (ed->rng == 0)
		ed->rng = 1;
	return loadsb(ed);
}

int
dev_open(struct ed *ed, const char *path, int rdonly)
{
	int fd;

	ed->rdonly = rdonly;
	if (ufs_open(&ed->fs, path) != 0)
		return -1;		/* lib/ufs.c said why */
	if (!rdonly) {
		if ((fd = open(path, O_RDWR)) < 0)
			return fail(ed, "%s: %s", path, strerror(errno));
		close(ed->fs.fd);
		ed->fs.fd = fd;
	}
	return setup(ed);
}

void
dev_close(struct ed *ed)
{
	uint32_t i;

	forget_undo(ed);
	free(ed->undo);
	for (i = 0; ed->cg != NULL && i < ed->fs.ncg; i++)
		free(ed->cg[i].buf);
	free(ed->cg);
	free(ed->sb);
	free(ed->csum);
	ufs_close(&ed->fs);
}

/* Check the map offsets of a group header before anything trusts them. */
static int
checkcg(struct ed *ed, uint32_t cg, struct cgbuf *c)
{
	const struct ufs *fs = &ed->fs;
	const unsigned char *b = c->buf;
	uint32_t csz = (uint32_t)fs->cgsize, want;
	int be = fs->be;
	const char *what = NULL;

	c->iused = get32(b + CG_IUSEDOFF, be);
	c->free = get32(b + CG_FREEOFF, be);
	c->ndblk = get32(b + CG_NDBLK, be);
	want = (uint32_t)(fs->size - (int64_t)fs->fpg * cg < fs->fpg ?
	    fs->size - (int64_t)fs->fpg * cg : fs->fpg);
	if (c->ndblk != want)
		what = "cg_ndblk";
	else if (c->iused > csz || (fs->ipg + 7) / 8 > csz - c->iused)
		what = "cg_iusedoff";
	else if (c->free > csz || ((uint32_t)fs->fpg + 7) / 8 > csz - c->free)
		what = "cg_freeoff";
	if (what == NULL && ed->contigsumsize > 0) {
		c->clsum = get32(b + CG_CLSUMOFF, be);
		c->clmap = get32(b + CG_CLOFF, be);
		c->nclblks = get32(b + CG_NCLBLKS, be);
		if (c->clsum > csz || c->clsum % 4 != 0 ||
		    4 * ((uint32_t)ed->contigsumsize + 1) > csz - c->clsum)
			what = "cg_clustersumoff";
		else if (c->nclblks != c->ndblk / (uint32_t)fs->frag)
			what = "cg_nclusterblks";
		else if (c->clmap > csz || (c->nclblks + 7) / 8 >
		    csz - c->clmap)
			what = "cg_clusteroff";
	}
	if (what != NULL)
		return fail(ed, "%s: cylinder group %u: %s is out of range",
		    fs->dev, cg, what);
	return 0;
}

struct cgbuf *
cg_get(struct ed *ed, uint32_t cg)
{
	struct cgbuf *c = &ed->cg[cg];
	struct cginfo ci;

	if (c->buf != NULL)
		return c;
	if ((c->buf = malloc((size_t)ed->fs.cgsize)) == NULL) {
		fail(ed, "out of memory");
		return NULL;
	}
	if (ufs_readcg(&ed->fs, cg, c->buf, &ci) != 0) {
		fail(ed, "%s: cylinder group %u: cannot read its header: %s",
		    ed->fs.dev, cg, strerror(errno));
	} else if (!ci.ok) {
		fail(ed, "%s: cylinder group %u: bad header (%s)", ed->fs.dev,
		    cg, ci.why);
	} else if (checkcg(ed, cg, c) == 0) {
		return c;
	}
	free(c->buf);
	c->buf = NULL;
	return NULL;
}

/* Write the summaries, the dirty groups and the superblock. */
int
commit(struct ed *ed)
{
	const struct ufs *fs = &ed->fs;
	struct cgbuf *c;
	uint32_t cg;
	int be = fs->be;

	for (cg = 0; cg < fs->ncg; cg++) {
		c = &ed->cg[cg];
		if (c->buf == NULL || !c->dirty)
			continue;
		if (ed->ckhash & CK_CYLGRP) {
			put32(c->buf + CG_CKHASH, 0, be);
			put32(c->buf + CG_CKHASH,
			    crc32c(c->buf, (size_t)fs->cgsize), be);
		}
		if (dev_write(ed, (ufs_cgstart(fs, cg) + fs->cblkno) *
		    fs->fsize, c->buf, (size_t)fs->cgsize) != 0)
			return -1;
		c->dirty = 0;
	}
	if (dev_write(ed, ed->csaddr * fs->fsize, ed->csum,
	    (size_t)fs->ncg * 16) != 0)
		return -1;
	if (!fs->ufs2)
		put32(ed->sb + SB_OLD_TIME, (uint32_t)ed->now, be);
	if (ed->wide)
		put64(ed->sb + SB_TIME, (uint64_t)ed->now, be);
	if (ed->ckhash & CK_SUPERBLOCK) {
		put32(ed->sb + SB_CKHASH, 0, be);
		put32(ed->sb + SB_CKHASH, crc32c(ed->sb, (size_t)ed->sbsize),
		    be);
	}
	if (dev_write(ed, fs->sblockloc, ed->sb, (size_t)ed->sbsize) != 0)
		return -1;
	forget_undo(ed);
	return 0;
}

/* Put back every byte the failed command wrote and forget its state. */
void
rollback(struct ed *ed)
{
	struct undo *u;
	size_t i;
	uint32_t cg;
	char saved[sizeof(ed->err)];

	for (i = ed->nundo; i-- > 0;) {
		u = &ed->undo[i];
		if (pwritefull(ed->fs.fd, u->old, u->len, u->off) != 0)
			fprintf(stderr, "ufsedit: %s: undo at byte %lld: %s; "
			    "the image may be damaged\n", ed->fs.dev,
			    (long long)u->off, strerror(errno));
	}
	forget_undo(ed);
	for (cg = 0; cg < ed->fs.ncg; cg++) {
		free(ed->cg[cg].buf);
		ed->cg[cg].buf = NULL;
		ed->cg[cg].dirty = 0;
	}
	memcpy(saved, ed->err, sizeof(saved));
	ed->err[0] = '\0';
	if (loadsb(ed) != 0)
		fprintf(stderr, "ufsedit: %s\n", ed->err);
	memcpy(ed->err, saved, sizeof(saved));
}
