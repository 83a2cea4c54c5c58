/*
 * Inodes and their block maps.  A file keeps the shape the kernel gives
 * it: every block before the last is a whole block; the last one is
 * always allocated and, when it is a direct block, holds only the
 * fragments the size needs; allocated bytes past the end of the file
 * read as zeros; an indirect block exists only while it maps something.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "ufsedit.h"

static const unsigned char zeros[MAXBSIZE];

uint64_t
maxfilesize(const struct ufs *fs)
{
	uint64_t blocks = UFS_NDADDR, per = 1;
	int i;

	for (i = 0; i < UFS_NIADDR; i++) {
		per *= (uint64_t)fs->nindir;
		blocks += per;
	}
	if (blocks > (UINT64_MAX >> 1) >> fs->bshift)
		return UINT64_MAX >> 1;
	return blocks << fs->bshift;
}

/* Fragments that logical block lbn holds in a file of this size. */
int
nfrags_of(const struct ufs *fs, uint64_t size, uint64_t lbn)
{
	uint64_t start = lbn << fs->bshift;

	if (lbn >= UFS_NDADDR || size >= start + (uint64_t)fs->bsize ||
	    size <= start)
		return fs->frag;
	return (int)((size - start + (uint64_t)fs->fsize - 1) >> fs->fshift);
}

int
ino_get(struct ed *ed, uint32_t ino, struct inode *ip)
{
	const struct ufs *fs = &ed->fs;
	struct cgbuf *c;

	if (ino < UFS_ROOTINO || ino >= fs->maxino)
		return fail(ed, "%s: inode %u is out of range", fs->dev, ino);
	if (fs->ufs2) {
		if ((c = cg_get(ed, ino / fs->ipg)) == NULL)
			return -1;
		if (ino % fs->ipg >= get32(c->buf + CG_INITEDIBLK, fs->be))
			return fail(ed, "%s: inode %u lies beyond its group's "
			    "initialised inodes", fs->dev, ino);
	}
	memset(ip, 0, sizeof(*ip));
	ip->ino = ino;
	if (dev_read(ed, ufs_inooff(fs, ino), ip->raw,
	    (size_t)fs->dinsize) != 0)
		return -1;
	ufs_decode(fs, ip->raw, ino, &ip->d);
	return 0;
}

/* The reverse of ufs_decode, over the raw bytes the inode was read as. */
void
ino_encode(const struct ed *ed, struct inode *ip)
{
	unsigned char *p = ip->raw;
	const struct dinode *d = &ip->d;
	int be = ed->fs.be, i;

	put16(p, d->mode, be);
	put16(p + 2, (uint16_t)d->nlink, be);
	if (ed->fs.ufs2) {
		put32(p + 4, d->uid, be);
		put32(p + 8, d->gid, be);
		put64(p + 16, d->size, be);
		put64(p + 24, d->blocks, be);
		put64(p + 32, (uint64_t)d->atime, be);
		put64(p + 40, (uint64_t)d->mtime, be);
		put64(p + 48, (uint64_t)d->ctime, be);
		put64(p + 56, (uint64_t)d->birthtime, be);
		put32(p + 64, (uint32_t)d->mtimensec, be);
		put32(p + 68, (uint32_t)d->atimensec, be);
		put32(p + 72, (uint32_t)d->ctimensec, be);
		put32(p + 76, (uint32_t)d->birthnsec, be);
		put32(p + 80, d->gen, be);
		put32(p + 88, d->flags, be);
		put32(p + 92, d->extsize, be);
		for (i = 0; i < UFS_NXADDR; i++)
			put64(p + 96 + 8 * i, (uint64_t)d->extb[i], be);
		for (i = 0; i < UFS_NDADDR; i++)
			put64(p + 112 + 8 * i, (uint64_t)d->db[i], be);
		for (i = 0; i < UFS_NIADDR; i++)
			put64(p + 208 + 8 * i, (uint64_t)d->ib[i], be);
		if (ip->setshort)
			memcpy(p + 112, d->shortlink, 120);
		if (ed->ckhash & CK_INODE) {
			put32(p + 244, 0, be);
			put32(p + 244, crc32c(p, 256), be);
		}
		return;
	}
	put64(p + 8, d->size, be);
	put32(p + 16, (uint32_t)d->atime, be);
	put32(p + 20, (uint32_t)d->atimensec, be);
	put32(p + 24, (uint32_t)d->mtime, be);
	put32(p + 28, (uint32_t)d->mtimensec, be);
	put32(p + 32, (uint32_t)d->ctime, be);
	put32(p + 36, (uint32_t)d->ctimensec, be);
	for (i = 0; i < UFS_NDADDR; i++)
		put32(p + 40 + 4 * i, (uint32_t)d->db[i], be);
	for (i = 0; i < UFS_NIADDR; i++)
		put32(p + 88 + 4 * i, (uint32_t)d->ib[i], be);
	if (ip->setshort)
		memcpy(p + 40, d->shortlink, 60);
	put32(p + 100, d->flags, be);
	put32(p + 104, (uint32_t)d->blocks, be);
	put32(p + 108, d->gen, be);
	put32(p + 112, d->uid, be);
	put32(p + 116, d->gid, be);
}

int
ino_put(struct ed *ed, struct inode *ip)
{
	ino_encode(ed, ip);
	if (ip->setshort) {	/* the pointers now hold the target */
		ufs_decode(&ed->fs, ip->raw, ip->ino, &ip->d);
		ip->setshort = 0;
	}
	return dev_write(ed, ufs_inooff(&ed->fs, ip->ino), ip->raw,
	    (size_t)ed->fs.dinsize);
}

void
ino_touch(const struct ed *ed, struct inode *ip, int what)
{
	if (what & T_ACC) {
		ip->d.atime = ed->now;
		ip->d.atimensec = 0;
	}
	if (what & T_MOD) {
		ip->d.mtime = ed->now;
		ip->d.mtimensec = 0;
	}
	if (what & T_CHG) {
		ip->d.ctime = ed->now;
		ip->d.ctimensec = 0;
	}
}

/* Do the block pointers of this inode map data? */
int
ino_hasmap(const struct ed *ed, const struct inode *ip)
{
	switch (ip->d.mode & UFS_IFMT) {
	case UFS_IFREG:
	case UFS_IFDIR:
		return 1;
	case UFS_IFLNK:
		return ip->d.size >= (uint64_t)ed->fs.maxsymlinklen;
	}
	return 0;
}

/* Where the pointer to a logical block lives. */
struct bpath {
	int		depth;	/* 0: direct; else indirect blocks to walk */
	int		slot;	/* index in di_db, or in di_ib */
	uint64_t	idx[UFS_NIADDR];
};

static int
lbn_path(struct ed *ed, struct inode *ip, uint64_t lbn, struct bpath *bp)
{
	uint64_t span = 1, n = (uint64_t)ed->fs.nindir;
	int k, j;

	memset(bp, 0, sizeof(*bp));
	if (lbn < UFS_NDADDR) {
		bp->depth = 0;
		bp->slot = (int)lbn;
		return 0;
	}
	lbn -= UFS_NDADDR;
	for (k = 1; k <= UFS_NIADDR; k++) {
		span *= n;
		if (lbn < span) {
			bp->depth = k;
			bp->slot = k - 1;
			for (j = 0; j < k; j++) {
				span /= n;
				bp->idx[j] = lbn / span;
				lbn %= span;
			}
			return 0;
		}
		lbn -= span;
	}
	return fail(ed, "inode %u: logical block beyond triple indirection",
	    ip->ino);
}

static int
checkaddr(struct ed *ed, struct inode *ip, int64_t addr, int n)
{
	if (ismeta(ed, addr, n) || addr % ed->fs.frag + n > ed->fs.frag)
		return fail(ed, "%s: inode %u: block pointer %lld is not a data "
		    "block of the file system", ed->fs.dev, ip->ino,
		    (long long)addr);
	return 0;
}

static int64_t
rdptr(const struct ed *ed, const unsigned char *blk, uint64_t i)
{
	if (ed->fs.ufs2)
		return (int64_t)get64(blk + 8 * i, ed->fs.be);
	return (int32_t)get32(blk + 4 * i, ed->fs.be);
}

static void
wrptr(const struct ed *ed, unsigned char *blk, uint64_t i, int64_t v)
{
	if (ed->fs.ufs2)
		put64(blk + 8 * i, (uint64_t)v, ed->fs.be);
	else
		put32(blk + 4 * i, (uint32_t)v, ed->fs.be);
}

static int
getptr(struct ed *ed, struct inode *ip, int64_t blk, uint64_t i, int64_t *v)
{
	unsigned char b[8];
	int wide = ed->fs.ufs2 ? 8 : 4;

	if (checkaddr(ed, ip, blk, ed->fs.frag) != 0 ||
	    dev_read(ed, blk * ed->fs.fsize + (int64_t)i * wide, b,
	    (size_t)wide) != 0)
		return -1;
	*v = rdptr(ed, b, 0);
	return 0;
}

static int
putptr(struct ed *ed, int64_t blk, uint64_t i, int64_t v)
{
	unsigned char b[8];
	int wide = ed->fs.ufs2 ? 8 : 4;

	wrptr(ed, b, 0, v);
	return dev_write(ed, blk * ed->fs.fsize + (int64_t)i * wide, b,
	    (size_t)wide);
}

int
bm_lookup(struct ed *ed, struct inode *ip, uint64_t lbn, int64_t *addr)
{
	struct bpath bp;
	int64_t a;
	int j;

	if (lbn_path(ed, ip, lbn, &bp) != 0)
		return -1;
	if (bp.depth == 0) {
		a = ip->d.db[bp.slot];
	} else {
		a = ip->d.ib[bp.slot];
		for (j = 0; j < bp.depth && a != 0; j++)
			if (getptr(ed, ip, a, bp.idx[j], &a) != 0)
				return -1;
	}
	if (a != 0 && checkaddr(ed, ip, a, 1) != 0)
		return -1;
	*addr = a;
	return 0;
}

/* Where the next block of this file should go. */
static int
pref_for(struct ed *ed, struct inode *ip, uint64_t lbn, int64_t *pref)
{
	int64_t a;

	*pref = ip->lastalloc;
	if (*pref > 0)
		return 0;
	if (lbn > 0) {
		if (bm_lookup(ed, ip, lbn - 1, &a) != 0)
			return -1;
		if (a != 0) {
			*pref = a + ed->fs.frag;
			return 0;
		}
	}
	*pref = cgdmin(ed, ip->ino / ed->fs.ipg);
	return 0;
}

/* n fragments for this inode, counted in di_blocks. */
static int
getfrags(struct ed *ed, struct inode *ip, uint64_t lbn, int n, int64_t *addr)
{
	int64_t pref;

	if (pref_for(ed, ip, lbn, &pref) != 0 ||
	    blk_alloc(ed, pref, n, addr) != 0)
		return -1;
	ip->d.blocks += (uint64_t)n * (uint64_t)ed->nspf;
	ip->lastalloc = *addr + n;
	return 0;
}

static int
newind(struct ed *ed, struct inode *ip, uint64_t lbn, int64_t *addr)
{
	if (getfrags(ed, ip, lbn, ed->fs.frag, addr) != 0)
		return -1;
	return dev_zero(ed, *addr, ed->fs.frag);
}

/* Point logical block lbn at addr, adding indirect blocks on the way. */
static int
bm_set(struct ed *ed, struct inode *ip, uint64_t lbn, int64_t addr)
{
	struct bpath bp;
	int64_t a, next;
	int j;

	if (lbn_path(ed, ip, lbn, &bp) != 0)
		return -1;
	if (bp.depth == 0) {
		ip->d.db[bp.slot] = addr;
		return 0;
	}
	if (ip->d.ib[bp.slot] == 0 &&
	    newind(ed, ip, lbn, &ip->d.ib[bp.slot]) != 0)
		return -1;
	a = ip->d.ib[bp.slot];
	for (j = 0; j < bp.depth - 1; j++) {
		if (getptr(ed, ip, a, bp.idx[j], &next) != 0)
			return -1;
		if (next == 0 && (newind(ed, ip, lbn, &next) != 0 ||
		    putptr(ed, a, bp.idx[j], next) != 0))
			return -1;
		a = next;
	}
	return putptr(ed, a, bp.idx[bp.depth - 1], addr);
}

static int
freedata(struct ed *ed, struct inode *ip, int64_t addr, int n)
{
	if (checkaddr(ed, ip, addr, n) != 0 || blk_free(ed, addr, n) != 0)
		return -1;
	ip->d.blocks -= (uint64_t)n * (uint64_t)ed->nspf;
	return 0;
}

/*
 * Free the blocks in [first, last) under the indirect block *ap of this
 * level (0: single), which maps span blocks from base; free the indirect
 * block too, and clear *ap, when nothing is left under it.
 */
static int
freeind(struct ed *ed, struct inode *ip, int64_t *ap, int level,
    uint64_t base, uint64_t span, uint64_t first, uint64_t last)
{
	const struct ufs *fs = &ed->fs;
	uint64_t sub = span / (uint64_t)fs->nindir, i, lo;
	unsigned char *buf;
	int64_t v, was;
	int changed = 0, any = 0, r = 0;

	if (*ap == 0 || last <= base || first >= base + span)
		return 0;
	if (checkaddr(ed, ip, *ap, fs->frag) != 0)
		return -1;
	if ((buf = malloc((size_t)fs->bsize)) == NULL)
		return fail(ed, "out of memory");
	if (dev_read(ed, *ap * fs->fsize, buf, (size_t)fs->bsize) != 0) {
		free(buf);
		return -1;
	}
	for (i = 0; i < (uint64_t)fs->nindir && r == 0; i++) {
		if ((v = rdptr(ed, buf, i)) == 0)
			continue;
		lo = base + i * sub;
		if (lo + sub <= first || lo >= last) {
			any = 1;
			continue;
		}
		was = v;
		if (level == 0) {
			r = freedata(ed, ip, v, fs->frag);
			v = 0;
		} else {
			r = freeind(ed, ip, &v, level - 1, lo, sub, first,
			    last);
		}
		if (v != was) {
			wrptr(ed, buf, i, v);
			changed = 1;
		}
		any |= v != 0;
	}
	if (r == 0 && !any) {
		r = freedata(ed, ip, *ap, fs->frag);
		*ap = 0;
	} else if (r == 0 && changed) {
		r = dev_write(ed, *ap * fs->fsize, buf, (size_t)fs->bsize);
	}
	free(buf);
	return r;
}

/* Free every block with lbn in [first, last), sized for the file now. */
static int
bm_free(struct ed *ed, struct inode *ip, uint64_t first, uint64_t last)
{
	const struct ufs *fs = &ed->fs;
	uint64_t lbn, base = UFS_NDADDR, span = 1;
	int k;

	for (lbn = first; lbn < UFS_NDADDR && lbn < last; lbn++) {
		if (ip->d.db[lbn] == 0)
			continue;
		if (freedata(ed, ip, ip->d.db[lbn],
		    nfrags_of(fs, ip->d.size, lbn)) != 0)
			return -1;
		ip->d.db[lbn] = 0;
	}
	for (k = 0; k < UFS_NIADDR; k++) {
		span *= (uint64_t)fs->nindir;
		if (freeind(ed, ip, &ip->d.ib[k], k, base, span, first,
		    last) != 0)
			return -1;
		base += span;
	}
	return 0;
}

/*
 * Give direct block lbn nnew fragments instead of nold: shrink it, grow
 * it in place, or move it to a place with room, as ffs_realloccg does.
 * Fragments it gains read as zeros.
 */
static int
regrow(struct ed *ed, struct inode *ip, uint64_t lbn, int nold, int nnew)
{
	const struct ufs *fs = &ed->fs;
	int64_t a = ip->d.db[lbn], b;
	unsigned char *buf;
	int r;

	if (nnew < nold)
		return freedata(ed, ip, a + nnew, nold - nnew);
	if ((r = blk_grow(ed, a, nold, nnew)) < 0)
		return -1;
	if (r == 0) {
		ip->d.blocks += (uint64_t)(nnew - nold) * (uint64_t)ed->nspf;
		return dev_zero(ed, a + nold, nnew - nold);
	}
	if (blk_alloc(ed, a, nnew, &b) != 0)
		return -1;
	if ((buf = calloc((size_t)nnew, (size_t)fs->fsize)) == NULL)
		return fail(ed, "out of memory");
	r = dev_read(ed, a * fs->fsize, buf, (size_t)nold * (size_t)fs->fsize);
	if (r == 0)
		r = dev_write(ed, b * fs->fsize, buf,
		    (size_t)nnew * (size_t)fs->fsize);
	free(buf);
	if (r != 0 || blk_free(ed, a, nold) != 0)
		return -1;
	ip->d.db[lbn] = b;
	ip->d.blocks += (uint64_t)(nnew - nold) * (uint64_t)ed->nspf;
	ip->lastalloc = b + nnew;
	return 0;
}

/*
 * Make the size newsize (larger): the old last block takes the
 * fragments its new place in the file needs, and its bytes past the
 * old end are zeroed.  New blocks are left to whoever fills them.
 */
static int
grow(struct ed *ed, struct inode *ip, uint64_t newsize)
{
	const struct ufs *fs = &ed->fs;
	uint64_t old = ip->d.size, lbn, zoff;
	int64_t a;
	int nold, nnew;

	if (newsize > maxfilesize(fs))
		return fail(ed, "inode %u: %llu bytes is more than the block "
		    "map can hold", ip->ino, (unsigned long long)newsize);
	if (old > 0) {
		lbn = (old - 1) >> fs->bshift;
		if (bm_lookup(ed, ip, lbn, &a) != 0)
			return -1;
		nold = nfrags_of(fs, old, lbn);
		nnew = nfrags_of(fs, newsize, lbn);
		if (a != 0 && nnew != nold &&
		    regrow(ed, ip, lbn, nold, nnew) != 0)
			return -1;
		zoff = old - (lbn << fs->bshift);
		if (a != 0 && zoff < (uint64_t)nold * (uint64_t)fs->fsize &&
		    (bm_lookup(ed, ip, lbn, &a) != 0 ||
		    dev_write(ed, a * fs->fsize + (int64_t)zoff, zeros,
		    (size_t)nold * (size_t)fs->fsize - zoff) != 0))
			return -1;
	}
	ip->d.size = newsize;
	return 0;
}

int
f_read(struct ed *ed, struct inode *ip, uint64_t off, void *buf, size_t len)
{
	const struct ufs *fs = &ed->fs;
	unsigned char *d = buf;
	uint64_t lbn, boff;
	size_t n;
	int64_t a;

	while (len > 0) {
		lbn = off >> fs->bshift;
		boff = off & ((uint64_t)fs->bsize - 1);
		n = (size_t)fs->bsize - boff;
		if (n > len)
			n = len;
		if (bm_lookup(ed, ip, lbn, &a) != 0)
			return -1;
		if (a == 0)
			memset(d, 0, n);
		else if (dev_read(ed, a * fs->fsize + (int64_t)boff, d, n) != 0)
			return -1;
		d += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* Write len bytes at off, extending the file and filling holes. */
int
f_write(struct ed *ed, struct inode *ip, uint64_t off, const void *buf,
    size_t len)
{
	const struct ufs *fs = &ed->fs;
	const unsigned char *src = buf;
	uint64_t end = off + len, pos = off, lbn, start, lo, hi, bytes;
	unsigned char *blk;
	int64_t a;
	int n, r = 0;

	if (len == 0)
		return 0;
	if (end < off || end > maxfilesize(fs))
		return fail(ed, "inode %u: writing past the largest size the "
		    "block map can hold", ip->ino);
	if (end > ip->d.size && grow(ed, ip, end) != 0)
		return -1;
	if ((blk = malloc((size_t)fs->bsize)) == NULL)
		return fail(ed, "out of memory");
	while (pos < end && r == 0) {
		lbn = pos >> fs->bshift;
		start = lbn << fs->bshift;
		n = nfrags_of(fs, ip->d.size, lbn);
		bytes = (uint64_t)n * (uint64_t)fs->fsize;
		lo = pos - start;
		hi = end - start < bytes ? end - start : bytes;
		if (hi <= lo) {
			r = fail(ed, "inode %u: internal error: block %llu "
			    "holds %d fragments", ip->ino,
			    (unsigned long long)lbn, n);
			break;
		}
		if ((r = bm_lookup(ed, ip, lbn, &a)) != 0)
			break;
		if (a == 0)
			memset(blk, 0, (size_t)bytes);
		else if (lo > 0 || hi < bytes)
			r = dev_read(ed, a * fs->fsize, blk, (size_t)bytes);
		memcpy(blk + lo, src + (pos - off), (size_t)(hi - lo));
		if (r == 0 && a == 0) {
			r = getfrags(ed, ip, lbn, n, &a);
			if (r == 0)
				r = bm_set(ed, ip, lbn, a);
		}
		if (r == 0)
			r = dev_write(ed, a * fs->fsize, blk, (size_t)bytes);
		pos = start + hi;
	}
	free(blk);
	return r;
}

/* A zeroed last block, when the file ends in a hole. */
static int
lastblock(struct ed *ed, struct inode *ip)
{
	const struct ufs *fs = &ed->fs;
	uint64_t lbn;
	int64_t a;
	int n;

	if (ip->d.size == 0)
		return 0;
	lbn = (ip->d.size - 1) >> fs->bshift;
	if (bm_lookup(ed, ip, lbn, &a) != 0)
		return -1;
	if (a != 0)
		return 0;
	n = nfrags_of(fs, ip->d.size, lbn);
	if (getfrags(ed, ip, lbn, n, &a) != 0 || dev_zero(ed, a, n) != 0)
		return -1;
	return bm_set(ed, ip, lbn, a);
}

int
f_truncate(struct ed *ed, struct inode *ip, uint64_t size)
{
	const struct ufs *fs = &ed->fs;
	uint64_t old = ip->d.size, nb, lbn, zoff, bytes;
	int64_t a;
	int nold, nnew;

	if (size == old)
		return 0;
	if (size > old)
		return grow(ed, ip, size) != 0 ? -1 : lastblock(ed, ip);
	nb = (size + (uint64_t)fs->bsize - 1) >> fs->bshift;
	if (bm_free(ed, ip, nb, UINT64_MAX) != 0)
		return -1;
	if (size == 0) {
		ip->d.size = 0;
		return 0;
	}
	lbn = nb - 1;
	if (bm_lookup(ed, ip, lbn, &a) != 0)
		return -1;
	nold = nfrags_of(fs, old, lbn);
	nnew = nfrags_of(fs, size, lbn);
	if (a != 0 && nnew < nold && regrow(ed, ip, lbn, nold, nnew) != 0)
		return -1;
	ip->d.size = size;
	if (a == 0)
		return lastblock(ed, ip);
	zoff = size - (lbn << fs->bshift);
	bytes = (uint64_t)nnew * (uint64_t)fs->fsize;
	if (zoff < bytes)
		return dev_write(ed, a * fs->fsize + (int64_t)zoff, zeros,
		    (size_t)(bytes - zoff));
	return 0;
}

/*
 * Free the whole blocks inside [off, off + len) and zero the rest of the
 * range.  The block holding the last byte stays (zeroed), as the
 * kernel always keeps it.
 */
int
f_punch(struct ed *ed, struct inode *ip, uint64_t off, uint64_t len)
{
	const struct ufs *fs = &ed->fs;
	uint64_t size = ip->d.size, end, first, lastex, lastlbn, lbn, start;
	uint64_t lo, hi, which[3];
	int64_t a;
	int i, n;

	if (off >= size || len == 0)
		return 0;
	end = len > size - off ? size : off + len;
	lastlbn = (size - 1) >> fs->bshift;
	first = (off + (uint64_t)fs->bsize - 1) >> fs->bshift;
	lastex = end >> fs->bshift;
	if (lastex > lastlbn)
		lastex = lastlbn;
	if (first < lastex && bm_free(ed, ip, first, lastex) != 0)
		return -1;
	which[0] = off >> fs->bshift;
	which[1] = (end - 1) >> fs->bshift;
	which[2] = lastlbn;
	for (i = 0; i < 3; i++) {
		lbn = which[i];
		if ((i > 0 && lbn == which[0]) || (i > 1 && lbn == which[1]))
			continue;
		if (lbn >= first && lbn < lastex)
			continue;		/* freed above */
		start = lbn << fs->bshift;
		if (start >= end || start + (uint64_t)fs->bsize <= off)
			continue;
		if (bm_lookup(ed, ip, lbn, &a) != 0)
			return -1;
		n = nfrags_of(fs, size, lbn);
		lo = off > start ? off - start : 0;
		hi = end - start;
		if (hi > (uint64_t)n * (uint64_t)fs->fsize)
			hi = (uint64_t)n * (uint64_t)fs->fsize;
		if (a != 0 && hi > lo && dev_write(ed, a * fs->fsize +
		    (int64_t)lo, zeros, (size_t)(hi - lo)) != 0)
			return -1;
	}
	return 0;
}

/* Return every block: the data, the indirect blocks, the UFS2 ext area. */
int
f_freeall(struct ed *ed, struct inode *ip)
{
	const struct ufs *fs = &ed->fs;
	int i;

	if (ino_hasmap(ed, ip)) {
		if (bm_free(ed, ip, 0, UINT64_MAX) != 0)
			return -1;
	} else {
		for (i = 0; i < UFS_NDADDR; i++)
			ip->d.db[i] = 0;
		for (i = 0; i < UFS_NIADDR; i++)
			ip->d.ib[i] = 0;
		ip->setshort = 0;
	}
	for (i = 0; fs->ufs2 && i < UFS_NXADDR; i++) {
		if (ip->d.extb[i] != 0 && freedata(ed, ip, ip->d.extb[i],
		    nfrags_of(fs, ip->d.extsize, (uint64_t)i)) != 0)
			return -1;
		ip->d.extb[i] = 0;
	}
	ip->d.extsize = 0;
	ip->d.size = 0;
	ip->d.blocks = 0;
	return 0;
}
