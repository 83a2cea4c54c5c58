/*
 * ufsedit -c: check an image the way fsck_ffs's passes do, without
 * changing it.  Pass 1 walks every inode's block map and claims its
 * fragments; pass 2 reads every directory; pass 4 compares link counts
 * with the names found; pass 5 rebuilds each cylinder group's maps and
 * counts from that and compares them with what is on disk.  Used by the
 * tests to show that ufsedit leaves a file system fsck would accept.
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "msg.h"
#include "ufsedit.h"

#define MAXREPORT	40
#define SB_OLD_CSTOTAL	192
#define SB_CSTOTAL	1008
#define SB_CKHASH	1304

struct ck {
	struct ed	*ed;
	unsigned char	*used;		/* fragments claimed */
	uint16_t	*mode;		/* per inode; 0: free */
	int16_t		*nlink;
	uint32_t	*refs;		/* names found */
	uint32_t	*parent;	/* directories: where a name was found */
	uint32_t	*dotdot;	/* directories: what ".." says */
	unsigned long	 problems;
	uint32_t	 cur;		/* the directory being read */
};

static void
report(struct ck *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
report(struct ck *k, const char *fmt, ...)
{
	va_list ap;

	if (++k->problems > MAXREPORT)
		return;
	fprintf(stderr, "%s: %s: ", progname, k->ed->fs.dev);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Report the error ufsedit's own code left, and clear it. */
static void
reporterr(struct ck *k)
{
	report(k, "%s", k->ed->err);
	k->ed->err[0] = '\0';
}

static void
claim(struct ck *k, uint32_t ino, int64_t addr, int n, uint64_t *blocks)
{
	struct ed *ed = k->ed;
	int i;

	if (ismeta(ed, addr, n) || addr % ed->fs.frag + n > ed->fs.frag) {
		report(k, "inode %u: %d fragments at %lld: not a data block",
		    ino, n, (long long)addr);
		return;
	}
	for (i = 0; i < n; i++) {
		if (map_isset(k->used, (uint64_t)(addr + i)))
			report(k, "inode %u: fragment %lld is claimed twice",
			    ino, (long long)addr + i);
		k->used[(addr + i) / 8] |= (unsigned char)(1u << ((addr + i) %
		    8));
	}
	*blocks += (uint64_t)n * (uint64_t)ed->nspf;
}

static void
walkind(struct ck *k, uint32_t ino, int64_t addr, int level, uint64_t base,
    uint64_t span, uint64_t nb, uint64_t *blocks)
{
	struct ed *ed = k->ed;
	const struct ufs *fs = &ed->fs;
	uint64_t sub = span / (uint64_t)fs->nindir, i, lo;
	unsigned char *buf;
	int64_t v;

	claim(k, ino, addr, fs->frag, blocks);
	if (ismeta(ed, addr, fs->frag))
		return;
	if ((buf = malloc((size_t)fs->bsize)) == NULL)
		die(1, "out of memory");
	if (dev_read(ed, addr * fs->fsize, buf, (size_t)fs->bsize) != 0) {
		reporterr(k);
		free(buf);
		return;
	}
	for (i = 0; i < (uint64_t)fs->nindir; i++) {
		v = fs->ufs2 ? (int64_t)get64(buf + 8 * i, fs->be) :
		    (int32_t)get32(buf + 4 * i, fs->be);
		if (v == 0)
			continue;
		lo = base + i * sub;
		if (lo >= nb)
			report(k, "inode %u: block pointer past the end of the "
			    "file (logical block %llu)", ino,
			    (unsigned long long)lo);
		if (level == 0)
			claim(k, ino, v, fs->frag, blocks);
		else
			walkind(k, ino, v, level - 1, lo, sub, nb, blocks);
	}
	free(buf);
}

/* Claim the fragments of one inode and check di_blocks against them. */
static void
claimino(struct ck *k, struct inode *ip)
{
	struct ed *ed = k->ed;
	const struct ufs *fs = &ed->fs;
	const struct dinode *d = &ip->d;
	uint64_t blocks = 0, nb, lbn, base = UFS_NDADDR, span = 1;
	int i;

	if (ino_hasmap(ed, ip)) {
		nb = (d->size + (uint64_t)fs->bsize - 1) >> fs->bshift;
		for (lbn = 0; lbn < UFS_NDADDR; lbn++) {
			if (d->db[lbn] == 0)
				continue;
			if (lbn >= nb)
				report(k, "inode %u: block pointer past the end "
				    "of the file (logical block %llu)", ip->ino,
				    (unsigned long long)lbn);
			claim(k, ip->ino, d->db[lbn],
			    nfrags_of(fs, d->size, lbn), &blocks);
		}
		for (i = 0; i < UFS_NIADDR; i++) {
			span *= (uint64_t)fs->nindir;
			if (d->ib[i] != 0 && base >= nb)
				report(k, "inode %u: indirect block past the "
				    "end of the file", ip->ino);
			if (d->ib[i] != 0)
				walkind(k, ip->ino, d->ib[i], i, base, span, nb,
				    &blocks);
			base += span;
		}
	}
	for (i = 0; fs->ufs2 && i < UFS_NXADDR; i++) {
		if (d->extb[i] == 0)
			continue;
		if ((uint64_t)i * (uint64_t)fs->bsize >= d->extsize)
			report(k, "inode %u: extended-attribute block past "
			    "di_extsize", ip->ino);
		claim(k, ip->ino, d->extb[i],
		    nfrags_of(fs, d->extsize, (uint64_t)i), &blocks);
	}
	if (blocks != d->blocks)
		report(k, "inode %u: di_blocks is %llu, its blocks make %llu",
		    ip->ino, (unsigned long long)d->blocks,
		    (unsigned long long)blocks);
}

static uint32_t
inited(struct ck *k, uint32_t cg)
{
	struct cgbuf *c;

	if (!k->ed->fs.ufs2)
		return k->ed->fs.ipg;
	if ((c = cg_get(k->ed, cg)) == NULL)
		return 0;
	return get32(c->buf + CG_INITEDIBLK, k->ed->fs.be);
}

static void
pass1(struct ck *k)
{
	struct ed *ed = k->ed;
	const struct ufs *fs = &ed->fs;
	struct inode ip;
	uint32_t ino, saved;
	const char *why;

	for (ino = UFS_ROOTINO; ino < fs->maxino; ino++) {
		if (ino % fs->ipg >= inited(k, ino / fs->ipg)) {
			ino = (ino / fs->ipg + 1) * fs->ipg - 1;
			continue;
		}
		if (ino_get(ed, ino, &ip) != 0) {
			reporterr(k);
			continue;
		}
		if (ip.d.mode == 0)
			continue;
		if (ufs_checkino(fs, &ip.d, &why) != 0) {
			report(k, "inode %u: %s", ino, why);
			continue;
		}
		k->mode[ino] = ip.d.mode;
		k->nlink[ino] = ip.d.nlink;
		if (ed->ckhash & CK_INODE) {
			saved = get32(ip.raw + 244, fs->be);
			put32(ip.raw + 244, 0, fs->be);
			if (crc32c(ip.raw, 256) != saved)
				report(k, "inode %u: check-hash mismatch", ino);
		}
		claimino(k, &ip);
	}
}

static int
isname(const unsigned char *name, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(name, s, len) == 0;
}

static int
entry(void *arg, uint64_t off, uint32_t ino, int type,
    const unsigned char *name, size_t len)
{
	struct ck *k = arg;
	uint32_t d = k->cur;
	int dot = isname(name, len, "."), dotdot = isname(name, len, "..");

	if (ino == UFS_WINO)
		return 0;
	if ((off == 0) != dot || (off == DIRSIZ(1)) != dotdot) {
		report(k, "directory %u: \".\" and \"..\" are not its first "
		    "two entries (\"%.*s\" at byte %llu)", d, (int)len, name,
		    (unsigned long long)off);
	}
	if (ino < UFS_ROOTINO || k->mode[ino] == 0) {
		report(k, "directory %u: \"%.*s\" names inode %u, which is "
		    "not allocated", d, (int)len, name, ino);
		return 0;
	}
	k->refs[ino]++;
	if (type != dtype(k->mode[ino]))
		report(k, "directory %u: \"%.*s\" has type %d, inode %u is "
		    "of type %d", d, (int)len, name, type, ino,
		    dtype(k->mode[ino]));
	if (dot && ino != d)
		report(k, "directory %u: \".\" names inode %u", d, ino);
	if (dotdot)
		k->dotdot[d] = ino;
	if (!dot && !dotdot && (k->mode[ino] & UFS_IFMT) == UFS_IFDIR) {
		if (k->parent[ino] != 0)
			report(k, "directory %u has names in directories %u "
			    "and %u", ino, k->parent[ino], d);
		k->parent[ino] = d;
	}
	return 0;
}

static void
pass2(struct ck *k)
{
	struct ed *ed = k->ed;
	struct inode ip;
	uint32_t ino;

	if ((k->mode[UFS_ROOTINO] & UFS_IFMT) != UFS_IFDIR) {
		report(k, "the root inode is not a directory");
		return;
	}
	k->parent[UFS_ROOTINO] = UFS_ROOTINO;
	for (ino = UFS_ROOTINO; ino < ed->fs.maxino; ino++) {
		if ((k->mode[ino] & UFS_IFMT) != UFS_IFDIR)
			continue;
		k->cur = ino;
		if (ino_get(ed, ino, &ip) != 0 ||
		    ed_dir_walk(ed, &ip, entry, k) != 0)
			reporterr(k);
	}
	for (ino = UFS_ROOTINO; ino < ed->fs.maxino; ino++) {
		if ((k->mode[ino] & UFS_IFMT) != UFS_IFDIR)
			continue;
		if (k->parent[ino] == 0)
			report(k, "directory %u has no name", ino);
		else if (k->dotdot[ino] != k->parent[ino])
			report(k, "directory %u: \"..\" is %u, its parent is %u",
			    ino, k->dotdot[ino], k->parent[ino]);
	}
}

static void
pass4(struct ck *k)
{
	uint32_t ino;

	for (ino = UFS_ROOTINO; ino < k->ed->fs.maxino; ino++) {
		if (k->mode[ino] == 0)
			continue;
		if (k->refs[ino] == 0)
			report(k, "inode %u is allocated but has no name", ino);
		else if ((uint32_t)k->nlink[ino] != k->refs[ino])
			report(k, "inode %u: link count %d, names found %u",
			    ino, k->nlink[ino], k->refs[ino]);
	}
}

/* The counts of one cylinder group, rebuilt from the claimed fragments. */
struct cgsum {
	int32_t		cs[4];
	int32_t		frsum[8];
	int32_t		clsum[FS_MAXCONTIG + 1];
};

static void
cmpfield(struct ck *k, uint32_t cg, const char *what, int64_t disk,
    int64_t want)
{
	if (disk != want)
		report(k, "cylinder group %u: %s is %lld, should be %lld", cg,
		    what, (long long)disk, (long long)want);
}

static const char *csname[4] = { "ndir", "nbfree", "nifree", "nffree" };

/* Inode map and counts. */
static void
cginodes(struct ck *k, uint32_t cg, const struct cgbuf *c, struct cgsum *s)
{
	const struct ufs *fs = &k->ed->fs;
	uint32_t rel, ino, bad = 0;
	int want;

	for (rel = 0; rel < fs->ipg; rel++) {
		ino = cg * fs->ipg + rel;
		want = ino < UFS_ROOTINO || k->mode[ino] != 0;
		if (!want)
			s->cs[CS_NIFREE]++;
		if ((k->mode[ino] & UFS_IFMT) == UFS_IFDIR)
			s->cs[CS_NDIR]++;
		if (map_isset(c->buf + c->iused, rel) != want && bad++ < 3)
			report(k, "cylinder group %u: inode %u is %s in the "
			    "map", cg, ino, want ? "free" : "in use");
	}
}

/* Free-fragment map, fragment and block counts, clusters. */
static void
cgfrags(struct ck *k, uint32_t cg, const struct cgbuf *c, struct cgsum *s)
{
	struct ed *ed = k->ed;
	const struct ufs *fs = &ed->fs;
	int64_t base = (int64_t)fs->fpg * cg, f;
	uint32_t rel, b, nfree, run, cl = 0, bad = 0, j;
	int32_t csz = ed->contigsumsize;
	int want, frag = fs->frag;

	for (b = 0; b < c->ndblk; b += (uint32_t)frag) {
		nfree = 0;
		run = 0;
		for (j = 0; j <= (uint32_t)frag; j++) {
			rel = b + j;
			f = base + rel;
			want = j < (uint32_t)frag && rel < c->ndblk &&
			    !ismeta(ed, f, 1) && !map_isset(k->used,
			    (uint64_t)f);
			if (j < (uint32_t)frag && rel < c->ndblk &&
			    map_isset(c->buf + c->free, rel) != want &&
			    bad++ < 3)
				report(k, "cylinder group %u: fragment %lld is "
				    "%s in the map", cg, (long long)f,
				    want ? "in use" : "free");
			if (want) {
				nfree++;
				run++;
				continue;
			}
			if (run > 0 && run < (uint32_t)frag)
				s->frsum[run]++;
			run = 0;
		}
		if (nfree == (uint32_t)frag) {
			s->cs[CS_NBFREE]++;
			cl++;
		} else {
			s->cs[CS_NFFREE] += (int32_t)nfree;
			if (cl > 0 && csz > 0)
				s->clsum[cl > (uint32_t)csz ? csz : (int)cl]++;
			cl = 0;
		}
		if (csz > 0 && b / (uint32_t)frag < c->nclblks &&
		    map_isset(c->buf + c->clmap, b / (uint32_t)frag) !=
		    (nfree == (uint32_t)frag) && bad++ < 3)
			report(k, "cylinder group %u: block %u is wrong in the "
			    "cluster map", cg, b / (uint32_t)frag);
	}
	if (cl > 0 && csz > 0)
		s->clsum[cl > (uint32_t)csz ? csz : (int)cl]++;
}

static void
pass5(struct ck *k, int64_t total[4])
{
	struct ed *ed = k->ed;
	const struct ufs *fs = &ed->fs;
	struct cgbuf *c;
	struct cgsum s;
	uint32_t cg, saved;
	int i;
	char what[32];

	for (cg = 0; cg < fs->ncg; cg++) {
		if ((c = cg_get(ed, cg)) == NULL) {
			reporterr(k);
			continue;
		}
		memset(&s, 0, sizeof(s));
		cginodes(k, cg, c, &s);
		cgfrags(k, cg, c, &s);
		for (i = 0; i < 4; i++) {
			cmpfield(k, cg, csname[i],
			    (int32_t)get32(c->buf + CG_CS + 4 * i, fs->be),
			    s.cs[i]);
			snprintf(what, sizeof(what), "summary %s", csname[i]);
			cmpfield(k, cg, what, cs_get(ed, cg, i), s.cs[i]);
			total[i] += s.cs[i];
		}
		for (i = 1; i < fs->frag; i++) {
			snprintf(what, sizeof(what), "cg_frsum[%d]", i);
			cmpfield(k, cg, what, (int32_t)get32(c->buf + CG_FRSUM +
			    4 * i, fs->be), s.frsum[i]);
		}
		for (i = 1; i <= ed->contigsumsize; i++) {
			snprintf(what, sizeof(what), "cluster sum[%d]", i);
			cmpfield(k, cg, what, (int32_t)get32(c->buf +
			    c->clsum + 4 * i, fs->be), s.clsum[i]);
		}
		if (ed->ckhash & CK_CYLGRP) {
			saved = get32(c->buf + CG_CKHASH, fs->be);
			put32(c->buf + CG_CKHASH, 0, fs->be);
			if (crc32c(c->buf, (size_t)fs->cgsize) != saved)
				report(k, "cylinder group %u: check-hash "
				    "mismatch", cg);
			put32(c->buf + CG_CKHASH, saved, fs->be);
		}
	}
}

static void
checksb(struct ck *k, const int64_t total[4])
{
	struct ed *ed = k->ed;
	int be = ed->fs.be, i;
	uint32_t saved;
	char what[40];

	for (i = 0; i < 4; i++) {
		if (!ed->fs.ufs2) {
			snprintf(what, sizeof(what), "fs_old_cstotal.cs_%s",
			    csname[i]);
			cmpfield(k, 0, what, (int32_t)get32(ed->sb +
			    SB_OLD_CSTOTAL + 4 * i, be), total[i]);
		}
		if (ed->wide) {
			snprintf(what, sizeof(what), "fs_cstotal.cs_%s",
			    csname[i]);
			cmpfield(k, 0, what, (int64_t)get64(ed->sb +
			    SB_CSTOTAL + 8 * i, be), total[i]);
		}
	}
	if (ed->ckhash & CK_SUPERBLOCK) {
		saved = get32(ed->sb + SB_CKHASH, be);
		put32(ed->sb + SB_CKHASH, 0, be);
		if (crc32c(ed->sb, (size_t)ed->sbsize) != saved)
			report(k, "superblock check-hash mismatch");
		put32(ed->sb + SB_CKHASH, saved, be);
	}
}

int
check_fs(struct ed *ed)
{
	const struct ufs *fs = &ed->fs;
	struct ck k;
	int64_t total[4] = { 0, 0, 0, 0 };

	memset(&k, 0, sizeof(k));
	k.ed = ed;
	k.used = calloc((size_t)(fs->size / 8 + 1), 1);
	k.mode = calloc(fs->maxino, sizeof(*k.mode));
	k.nlink = calloc(fs->maxino, sizeof(*k.nlink));
	k.refs = calloc(fs->maxino, sizeof(*k.refs));
	k.parent = calloc(fs->maxino, sizeof(*k.parent));
	k.dotdot = calloc(fs->maxino, sizeof(*k.dotdot));
	if (k.used == NULL || k.mode == NULL || k.nlink == NULL ||
	    k.refs == NULL || k.parent == NULL || k.dotdot == NULL)
		die(1, "out of memory for %u inodes", fs->maxino);
	pass1(&k);
	pass2(&k);
	pass4(&k);
	pass5(&k, total);
	checksb(&k, total);
	if (k.problems > MAXREPORT)
		warnmsg("%s: ... and %lu more", fs->dev,
		    k.problems - MAXREPORT);
	free(k.used);
	free(k.mode);
	free(k.nlink);
	free(k.refs);
	free(k.parent);
	free(k.dotdot);
	return k.problems == 0 ? 0 : -1;
}
