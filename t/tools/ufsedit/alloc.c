/*
 * Allocation from the cylinder group maps, as ffs_alloc.c does it: a set
 * bit in the free map is a free fragment, a set bit in the inode map an
 * inode in use.  Every change to a block's fragments is accounted by
 * taking the block out of the counts (cg_cs, cg_frsum, the cluster map
 * and summary, the summary area, fs_cstotal) and putting it back after.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "ufsedit.h"

#define SB_OLD_CSTOTAL	192
#define SB_CSTOTAL	1008

int
map_isset(const unsigned char *map, uint64_t i)
{
	return (map[i / 8] >> (i % 8)) & 1;
}

static void
map_set(unsigned char *map, uint64_t i, int on)
{
	if (on)
		map[i / 8] |= (unsigned char)(1u << (i % 8));
	else
		map[i / 8] &= (unsigned char)~(1u << (i % 8));
}

static void
add32(unsigned char *p, int32_t delta, int be)
{
	put32(p, (uint32_t)((int32_t)get32(p, be) + delta), be);
}

/* One field of struct csum, in the group, its summary and the total. */
void
cs_add(struct ed *ed, uint32_t cg, int field, int32_t delta)
{
	int be = ed->fs.be;
	unsigned char *p;

	add32(ed->cg[cg].buf + CG_CS + 4 * field, delta, be);
	add32(ed->csum + 16 * (size_t)cg + 4 * field, delta, be);
	if (!ed->fs.ufs2)
		add32(ed->sb + SB_OLD_CSTOTAL + 4 * field, delta, be);
	if (ed->wide) {
		p = ed->sb + SB_CSTOTAL + 8 * field;
		put64(p, (uint64_t)((int64_t)get64(p, be) + delta), be);
	}
}

static void
stamp(struct ed *ed, struct cgbuf *c)
{
	put32(c->buf + CG_OLD_TIME, (uint32_t)ed->now, ed->fs.be);
	if (ed->wide)
		put64(c->buf + CG_TIME, (uint64_t)ed->now, ed->fs.be);
	c->dirty = 1;
}

static int
fr_free(const struct cgbuf *c, uint32_t rel)
{
	return rel < c->ndblk && map_isset(c->buf + c->free, rel);
}

static int
blkfull(const struct ed *ed, const struct cgbuf *c, uint32_t blk)
{
	int i;

	for (i = 0; i < ed->fs.frag; i++)
		if (!fr_free(c, blk + (uint32_t)i))
			return 0;
	return 1;
}

/* Count the block starting at fragment blk in or out (sign). */
static void
blkacct(struct ed *ed, uint32_t cg, struct cgbuf *c, uint32_t blk, int sign)
{
	int frag = ed->fs.frag, i, run = 0, nfree = 0;

	for (i = 0; i < frag; i++)
		nfree += fr_free(c, blk + (uint32_t)i);
	if (nfree == frag) {
		cs_add(ed, cg, CS_NBFREE, sign);
		return;
	}
	cs_add(ed, cg, CS_NFFREE, sign * nfree);
	for (i = 0; i <= frag; i++) {
		if (i < frag && fr_free(c, blk + (uint32_t)i)) {
			run++;
			continue;
		}
		if (run > 0)
			add32(c->buf + CG_FRSUM + 4 * run, sign, ed->fs.be);
		run = 0;
	}
}

/* ffs_clusteracct: block blkno became free (cnt 1) or used (cnt -1). */
static void
clusteracct(struct ed *ed, struct cgbuf *c, uint32_t blkno, int cnt)
{
	int32_t csz = ed->contigsumsize;
	unsigned char *map = c->buf + c->clmap, *sum = c->buf + c->clsum;
	int64_t i, end, forw, back, len;

	if (csz <= 0 || blkno >= c->nclblks)
		return;
	map_set(map, blkno, cnt > 0);
	end = (int64_t)blkno + 1 + csz;
	if (end > c->nclblks)
		end = c->nclblks;
	for (i = (int64_t)blkno + 1; i < end && map_isset(map, (uint64_t)i);
	    i++)
		continue;
	forw = i - ((int64_t)blkno + 1);
	end = (int64_t)blkno - 1 - csz;
	if (end < -1)
		end = -1;
	for (i = (int64_t)blkno - 1; i > end && map_isset(map, (uint64_t)i);
	    i--)
		continue;
	back = (int64_t)blkno - 1 - i;
	len = back + forw + 1;
	if (len > csz)
		len = csz;
	add32(sum + 4 * len, cnt, ed->fs.be);
	if (back > 0)
		add32(sum + 4 * back, -cnt, ed->fs.be);
	if (forw > 0)
		add32(sum + 4 * forw, -cnt, ed->fs.be);
}

/* Mark n fragments at addr (all in one block) free or in use. */
static int
setfrags(struct ed *ed, int64_t addr, int n, int makefree)
{
	const struct ufs *fs = &ed->fs;
	struct cgbuf *c;
	uint32_t cg, rel, blk;
	int i, wasfull, isfull;

	if (n <= 0 || n > fs->frag || addr <= 0 || addr >= fs->size ||
	    addr % fs->frag + n > fs->frag || ismeta(ed, addr, n))
		return fail(ed, "%s: %d fragments at %lld: not a data block "
		    "of the file system", fs->dev, n, (long long)addr);
	cg = (uint32_t)(addr / fs->fpg);
	rel = (uint32_t)(addr % fs->fpg);
	blk = rel - rel % (uint32_t)fs->frag;
	if ((c = cg_get(ed, cg)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (fr_free(c, rel + (uint32_t)i) == makefree)
			return fail(ed, "%s: fragment %lld is %s", fs->dev,
			    (long long)addr + i, makefree ?
			    "free already (freeing it twice)" :
			    "in use already (the maps are damaged)");
	wasfull = blkfull(ed, c, blk);
	blkacct(ed, cg, c, blk, -1);
	for (i = 0; i < n; i++)
		map_set(c->buf + c->free, rel + (uint32_t)i, makefree);
	blkacct(ed, cg, c, blk, 1);
	isfull = blkfull(ed, c, blk);
	if (wasfull != isfull)
		clusteracct(ed, c, blk / (uint32_t)fs->frag, isfull ? 1 : -1);
	stamp(ed, c);
	return 0;
}

/* A wholly free block at or after fragment start (wrapping); -1: none. */
static int64_t
findblk(struct ed *ed, uint32_t cg, const struct cgbuf *c, uint32_t start)
{
	uint32_t frag = (uint32_t)ed->fs.frag, nblk = c->ndblk / frag, b, i;
	int64_t at;

	for (i = 0; i < nblk; i++) {
		b = (start / frag + i) % nblk;
		if (!blkfull(ed, c, b * frag))
			continue;
		at = (int64_t)ed->fs.fpg * cg + b * frag;
		if (ismeta(ed, at, (int)frag))
			return fail(ed, "%s: cylinder group %u: metadata at "
			    "fragment %lld is marked free", ed->fs.dev, cg,
			    (long long)at) - 1;
		return b * frag;
	}
	return -1;
}

/*
 * The best fit for n fragments among the partly used blocks: the
 * shortest free run that holds them, as ffs_mapsearch finds through
 * cg_frsum.  -1: none.
 */
static int64_t
findfrags(struct ed *ed, uint32_t cg, const struct cgbuf *c, uint32_t start,
    int n)
{
	uint32_t frag = (uint32_t)ed->fs.frag;
	uint32_t nblk = (c->ndblk + frag - 1) / frag, b, i, j, base;
	int64_t best = -1;
	uint32_t bestlen = frag, run;

	for (i = 0; i < nblk && bestlen > (uint32_t)n; i++) {
		b = (start / frag + i) % nblk;
		base = b * frag;
		if (blkfull(ed, c, base))
			continue;
		for (j = 0, run = 0; j <= frag; j++) {
			if (j < frag && fr_free(c, base + j)) {
				run++;
				continue;
			}
			if (run >= (uint32_t)n && run < bestlen) {
				best = base + j - run;
				bestlen = run;
			}
			run = 0;
		}
	}
	if (best >= 0 && ismeta(ed, (int64_t)ed->fs.fpg * cg + best, n))
		return fail(ed, "%s: cylinder group %u: metadata at fragment "
		    "%lld is marked free", ed->fs.dev, cg,
		    (long long)((int64_t)ed->fs.fpg * cg + best)) - 1;
	return best;
}

/*
 * n fragments (a whole block when n is fs_frag) as near after pref as
 * the maps allow: its group first, then the groups after it.
 */
int
blk_alloc(struct ed *ed, int64_t pref, int n, int64_t *addr)
{
	const struct ufs *fs = &ed->fs;
	uint32_t cg0 = 0, cg, i, start;
	struct cgbuf *c;
	int64_t rel;

	if (pref > 0 && pref < fs->size)
		cg0 = (uint32_t)(pref / fs->fpg);
	for (i = 0; i < fs->ncg; i++) {
		cg = (cg0 + i) % fs->ncg;
		if (cs_get(ed, cg, CS_NBFREE) <= 0 && (n == fs->frag ||
		    cs_get(ed, cg, CS_NFFREE) < n))
			continue;
		if ((c = cg_get(ed, cg)) == NULL)
			return -1;
		start = i == 0 && pref > 0 ? (uint32_t)(pref % fs->fpg) : 0;
		rel = -1;
		if (n < fs->frag)
			rel = findfrags(ed, cg, c, start, n);
		if (rel == -1)
			rel = findblk(ed, cg, c, start);
		if (rel < -1)
			return -1;
		if (rel >= 0) {
			*addr = (int64_t)fs->fpg * cg + rel;
			return setfrags(ed, *addr, n, 0);
		}
	}
	return fail(ed, "%s: file system full: no room for %d fragments",
	    fs->dev, n);
}

/*
 * Extend the nold fragments at addr to nnew in place, as ffs_fragextend
 * does.  Returns 0, 1 when the fragments after them are taken, or -1.
 */
int
blk_grow(struct ed *ed, int64_t addr, int nold, int nnew)
{
	const struct ufs *fs = &ed->fs;
	struct cgbuf *c;
	uint32_t rel;
	int i;

	if (addr % fs->frag + nnew > fs->frag ||
	    ismeta(ed, addr + nold, nnew - nold))
		return 1;
	if ((c = cg_get(ed, (uint32_t)(addr / fs->fpg))) == NULL)
		return -1;
	rel = (uint32_t)(addr % fs->fpg);
	for (i = nold; i < nnew; i++)
		if (!fr_free(c, rel + (uint32_t)i))
			return 1;
	return setfrags(ed, addr + nold, nnew - nold, 0);
}

int
blk_free(struct ed *ed, int64_t addr, int n)
{
	return setfrags(ed, addr, n, 1);
}

/*
 * 4.4BSD's ffs_dirpref: of the groups with at least the average number
 * of free inodes, the one with the fewest directories.
 */
static uint32_t
dirpref(const struct ed *ed)
{
	uint32_t cg, best = 0;
	int64_t total = 0, avg;
	int32_t nif, minndir = INT32_MAX;

	for (cg = 0; cg < ed->fs.ncg; cg++)
		total += cs_get(ed, cg, CS_NIFREE);
	avg = total / ed->fs.ncg;
	for (cg = 0; cg < ed->fs.ncg; cg++) {
		nif = cs_get(ed, cg, CS_NIFREE);
		if (nif > 0 && nif >= avg &&
		    cs_get(ed, cg, CS_NDIR) < minndir) {
			best = cg;
			minndir = cs_get(ed, cg, CS_NDIR);
		}
	}
	return best;
}

/*
 * UFS2 initialises inode blocks lazily: zero those from cg_initediblk
 * up to the one holding inode rel, each inode with a random generation.
 */
static int
initinodes(struct ed *ed, uint32_t cg, struct cgbuf *c, uint32_t rel)
{
	const struct ufs *fs = &ed->fs;
	uint32_t init = get32(c->buf + CG_INITEDIBLK, fs->be), n, k;
	size_t len = (size_t)fs->inopb * (size_t)fs->dinsize;
	unsigned char *buf, *p;
	int r = 0;

	if ((buf = malloc(len)) == NULL)
		return fail(ed, "out of memory");
	while (init <= rel && r == 0) {
		n = (uint32_t)fs->inopb;
		if (n > fs->ipg - init)
			n = fs->ipg - init;
		memset(buf, 0, len);
		for (k = 0; k < n; k++) {
			p = buf + (size_t)k * (size_t)fs->dinsize;
			put32(p + 80, rnd32(ed) / 2 + 1, fs->be);
			if (ed->ckhash & CK_INODE)
				put32(p + 244, crc32c(p, 256), fs->be);
		}
		r = dev_write(ed, ufs_inooff(fs, cg * fs->ipg + init), buf,
		    (size_t)n * (size_t)fs->dinsize);
		init += n;
	}
	free(buf);
	put32(c->buf + CG_INITEDIBLK, init, fs->be);
	return r;
}

/*
 * A free inode: for a directory in the group dirpref picks, else in the
 * parent's group; the lowest free number there, so that a number freed
 * earlier is reused (incremental dumps must cope with that).
 */
int
ino_alloc(struct ed *ed, int isdir, uint32_t parent, uint32_t *ino)
{
	const struct ufs *fs = &ed->fs;
	uint32_t cg0, cg, i, rel;
	struct cgbuf *c;

	cg0 = isdir ? dirpref(ed) : parent / fs->ipg;
	for (i = 0; i < fs->ncg; i++) {
		cg = (cg0 + i) % fs->ncg;
		if (cs_get(ed, cg, CS_NIFREE) <= 0)
			continue;
		if ((c = cg_get(ed, cg)) == NULL)
			return -1;
		for (rel = 0; rel < fs->ipg; rel++)
			if (cg * fs->ipg + rel > UFS_ROOTINO &&
			    !map_isset(c->buf + c->iused, rel))
				break;
		if (rel == fs->ipg)
			continue;
		if (fs->ufs2 && rel >= get32(c->buf + CG_INITEDIBLK, fs->be) &&
		    initinodes(ed, cg, c, rel) != 0)
			return -1;
		map_set(c->buf + c->iused, rel, 1);
		cs_add(ed, cg, CS_NIFREE, -1);
		if (isdir)
			cs_add(ed, cg, CS_NDIR, 1);
		put32(c->buf + CG_IROTOR, rel, fs->be);
		stamp(ed, c);
		*ino = cg * fs->ipg + rel;
		return 0;
	}
	return fail(ed, "%s: out of inodes", fs->dev);
}

int
ino_free(struct ed *ed, uint32_t ino, int isdir)
{
	const struct ufs *fs = &ed->fs;
	uint32_t cg = ino / fs->ipg, rel = ino % fs->ipg;
	struct cgbuf *c;

	if ((c = cg_get(ed, cg)) == NULL)
		return -1;
	if (!map_isset(c->buf + c->iused, rel))
		return fail(ed, "%s: inode %u is free already in the map",
		    fs->dev, ino);
	map_set(c->buf + c->iused, rel, 0);
	cs_add(ed, cg, CS_NIFREE, 1);
	if (isdir)
		cs_add(ed, cg, CS_NDIR, -1);
	stamp(ed, c);
	return 0;
}
