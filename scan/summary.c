/*
 * dscan -s: what is on the file system, for a person: counts and bytes
 * by type and by owner, the largest, oldest and newest files, how
 * fragmented files are, and what a dump at each level would take.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "bmap.h"
#include "dscan.h"
#include "dumpdates.h"
#include "esc.h"
#include "msg.h"
#include "stream.h"

#define TOP	10		/* entries in each list of the largest etc. */
#define NTYPES	7

struct entry {
	uint32_t	ino;
	int64_t		key;
};

/* A list of the TOP entries with the greatest keys (or least, negated). */
struct top {
	struct entry	e[TOP];
	int		n;
};

struct owner {
	uint32_t	uid;
	uint64_t	inodes, bytes;
	int		used;
};

struct stats {
	uint64_t	 inodes[NTYPES], bytes[NTYPES], held[NTYPES];
	struct owner	*owners;
	size_t		 nowners, capowners;
	struct top	 largest, oldest, newest, fragmented;
	uint64_t	 runs[5];	/* 1, 2-3, 4-9, 10-99, 100 and more */
	int64_t		 ddate[10];	/* the date each level starts from */
	int		 lastlevel[10];
	uint64_t	 lvinodes[10], lvblocks[10];
	unsigned char	*lvmap[10];	/* what each level dumps */
	unsigned char	*nodumpdirs;
	uint64_t	 all, allbytes;	/* inodes in use, bytes in them */
};

static const char *const typenames[NTYPES] = { "directories", "files",
    "symbolic links", "character devices", "block devices", "FIFOs",
    "sockets" };

static int
typeindex(uint16_t mode)
{
	static const char letters[] = "dflcbps";
	const char *p = strchr(letters, ufs_typechar(mode));

	return p != NULL && *p != '\0' ? (int)(p - letters) : 1;
}

static int
byuid(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static void
toptake(struct top *t, uint32_t ino, int64_t key)
{
	int i, low = 0;

	if (t->n < TOP) {
		t->e[t->n].ino = ino;
		t->e[t->n++].key = key;
		return;
	}
	for (i = 1; i < TOP; i++)
		if (t->e[i].key < t->e[low].key)
			low = i;
	if (key > t->e[low].key) {
		t->e[low].ino = ino;
		t->e[low].key = key;
	}
}

static int
bykey(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->key < y->key ? 1 : x->key > y->key ? -1 :
	    x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* The owner's slot in an open-addressing table. */
static struct owner *
owner(struct stats *st, uint32_t uid)
{
	size_t i, cap;
	struct owner *old;

	if (2 * (st->nowners + 1) > st->capowners) {
		old = st->owners;
		cap = st->capowners;
		st->capowners = cap ? 2 * cap : 64;
		st->owners = calloc(st->capowners, sizeof(*st->owners));
		if (st->owners == NULL)
			die(DS_STARTUP, "out of memory");
		st->nowners = 0;
		for (i = 0; i < cap; i++)
			if (old[i].used)
				*owner(st, old[i].uid) = old[i];
		free(old);
	}
	for (i = uid * 2654435761u % st->capowners; st->owners[i].used &&
	    st->owners[i].uid != uid; i = (i + 1) % st->capowners)
		continue;
	if (!st->owners[i].used) {
		st->owners[i].used = 1;
		st->owners[i].uid = uid;
		st->nowners++;
	}
	return &st->owners[i];
}

static int
countrun(void *arg, const struct run *r)
{
	if (r->frag != 0)
		(*(uint64_t *)arg)++;
	return 0;
}

static void
dates(struct stats *st, const char *special, const char *ddpath)
{
	struct dumpdates dd;
	const struct ddent *prev;
	int l, have = dd_readname(&dd, ddpath, special) == DD_OK;

	for (l = 0; l < 10; l++) {
		st->ddate[l] = 0;
		st->lastlevel[l] = -1;
		if (!have || l == 0)
			continue;
		prev = dd_lookup(&dd, special, l);
		if (prev != NULL) {
			st->ddate[l] = (int64_t)prev->date;
			st->lastlevel[l] = prev->level;
		}
	}
	if (have)
		dd_free(&dd);
}

/* Would a dump at level l hold dp by itself (pass I)? */
static int
wants(const struct scan *s, const struct stats *st, int l,
    const struct dinode *dp)
{
	if (l > 0 && dp->mtime < st->ddate[l] && dp->ctime < st->ddate[l])
		return 0;
	return l < s->honor || !(dp->flags & UF_NODUMP);
}

/* Count dp in the levels that would dump it by itself. */
static void
takelevels(struct scan *s, struct stats *st, const struct dinode *dp)
{
	uint64_t est = scan_estimate(&s->fs, dp);
	int l;

	for (l = 0; l < 10; l++)
		if (wants(s, st, l, dp) || dp->ino == UFS_ROOTINO) {
			bm_set(st->lvmap[l], dp->ino);
			st->lvinodes[l]++;
			st->lvblocks[l] += est;
		}
}

static void
take(struct scan *s, struct stats *st, const struct dinode *dp)
{
	const struct ufs *fs = &s->fs;
	int t = typeindex(dp->mode);
	struct owner *o;
	uint64_t runs = 0;

	st->inodes[t]++;
	st->bytes[t] += dp->size;
	st->held[t] += dp->blocks * DEV_BSIZE;
	o = owner(st, dp->uid);
	o->inodes++;
	o->bytes += dp->size;
	if (t == 1)
		toptake(&st->largest, dp->ino, (int64_t)dp->size);
	toptake(&st->newest, dp->ino, dp->mtime);
	toptake(&st->oldest, dp->ino, -dp->mtime);
	if ((t == 0 || t == 1) && dp->size > 0) {
		bmap_walk(fs, dp, 0, s->indbuf, countrun, &runs, &s->errors);
		st->runs[runs <= 1 ? 0 : runs <= 3 ? 1 : runs <= 9 ? 2 :
		    runs <= 99 ? 3 : 4]++;
		toptake(&st->fragmented, dp->ino, (int64_t)runs);
	}
}

static uint64_t
estimate(struct scan *s, uint32_t ino)
{
	const unsigned char *raw;
	struct dinode di;

	if (scan_getraw(s, ino, &raw) <= 0)
		return 0;
	ufs_decode(&s->fs, raw, ino, &di);
	return scan_estimate(&s->fs, &di);
}

/*
 * Pass II of each level, from the names: what lies below a nodump
 * directory is left out from the level nodump counts at, and the
 * directories above what is dumped are put in.
 */
static void
passtwo(struct scan *s, const struct names *nm, struct stats *st)
{
	uint32_t maxino = s->fs.maxino;
	unsigned char *below, *anc;
	uint64_t ino;
	int l;

	if (s->honor <= 9 &&
	    bm_next(st->nodumpdirs, 1, maxino) < maxino) {
		/* below: a directory that is or lies below a nodump one. */
		below = names_closure(nm, s->dirs, st->nodumpdirs);
		for (l = s->honor; l < 10; l++)
			for (ino = 0; (ino = bm_next(st->lvmap[l], ino + 1,
			    maxino)) < maxino;) {
				if (!names_inany(nm, (uint32_t)ino, below))
					continue;
				bm_clr(st->lvmap[l], ino);
				st->lvinodes[l]--;
				st->lvblocks[l] -= estimate(s, (uint32_t)ino);
			}
		free(below);
	}
	anc = bm_new(maxino);
	if (anc == NULL)
		die(DS_STARTUP, "out of memory");
	for (l = 0; l < 10; l++) {
		memset(anc, 0, (size_t)(maxino / 8 + 1));
		for (ino = 0; (ino = bm_next(st->lvmap[l], ino + 1, maxino)) <
		    maxino;)
			names_ancestors(nm, (uint32_t)ino, anc);
		for (ino = 0; (ino = bm_next(anc, ino + 1, maxino)) < maxino;)
			if (!bm_isset(st->lvmap[l], ino)) {
				st->lvinodes[l]++;
				st->lvblocks[l] += estimate(s, (uint32_t)ino);
			}
	}
	free(anc);
}

struct pathout {
	FILE	*out;
	int	 done;
};

static void
firstpath(void *arg, const char *p, size_t n)
{
	struct pathout *po = arg;
	char buf[ESC_MAX(STREAM_PATHMAX)];

	if (po->done++)
		return;
	esc_encode(buf, (const unsigned char *)p, n);
	fprintf(po->out, "  %s", buf);
}

static void
putlist(struct scan *s, struct names *nm, FILE *out, const char *title,
    struct top *t, int dates, int negate)
{
	struct pathout po;
	char when[DD_DATELEN];
	int i;

	qsort(t->e, (size_t)t->n, sizeof(t->e[0]), bykey);
	fprintf(out, "\n%s\n", title);
	for (i = 0; i < t->n; i++) {
		if (dates) {
			if (dd_fmtdate(when, sizeof(when),
			    (time_t)(negate ? -t->e[i].key : t->e[i].key)) != 0)
				snprintf(when, sizeof(when), "%lld",
				    (long long)(negate ? -t->e[i].key :
				    t->e[i].key));
			fprintf(out, "  %s  inode %u", when, t->e[i].ino);
		} else
			fprintf(out, "  %14lld  inode %u", (long long)t->e[i].key,
			    t->e[i].ino);
		po.out = out;
		po.done = 0;
		names_each(s, nm, t->e[i].ino, firstpath, &po);
		fputc('\n', out);
	}
}

/* Count every inode in use (those -w keeps) into st, by pass I's maps. */
static void
gather(struct scan *s, struct names *nm, struct stats *st)
{
	const struct ufs *fs = &s->fs;
	const unsigned char *raw;
	struct dinode di;
	unsigned char *inuse;
	uint64_t ino = 0;
	size_t i;

	/* Every inode in use: pass I took nodump directories out of the
	 * used map, but not out of the directories. */
	inuse = bm_new(fs->maxino);
	if (inuse == NULL)
		die(DS_STARTUP, "out of memory");
	for (i = 0; i < (size_t)(fs->maxino / 8 + 1); i++)
		inuse[i] = s->used[i] | s->dirs[i];
	while ((ino = bm_next(inuse, ino + 1, fs->maxino)) < fs->maxino) {
		if (scan_getraw(s, (uint32_t)ino, &raw) <= 0)
			continue;
		ufs_decode(fs, raw, (uint32_t)ino, &di);
		if ((di.mode & UFS_IFMT) == UFS_IFDIR &&
		    (di.flags & UF_NODUMP))
			bm_set(st->nodumpdirs, ino);
		if (s->filter != NULL && !filter_keeps(s, nm, &di)) {
			if (ino == UFS_ROOTINO)	/* always dumped */
				takelevels(s, st, &di);
			continue;
		}
		take(s, st, &di);
		takelevels(s, st, &di);
		st->all++;
		st->allbytes += di.size;
	}
	free(inuse);
}

/* The tables by type and by owner, owners by uid. */
static void
puttables(FILE *out, struct stats *st)
{
	size_t i, n;
	int t;

	for (i = 0, n = 0; i < st->capowners; i++)
		if (st->owners[i].used)
			st->owners[n++] = st->owners[i];
	qsort(st->owners, n, sizeof(*st->owners), byuid);
	fprintf(out, "\nby type                 inodes            bytes   "
	    "bytes allocated\n");
	for (t = 0; t < NTYPES; t++)
		if (st->inodes[t] > 0)
			fprintf(out, "  %-18s %9llu %16llu %17llu\n",
			    typenames[t], (unsigned long long)st->inodes[t],
			    (unsigned long long)st->bytes[t],
			    (unsigned long long)st->held[t]);
	fprintf(out, "\nby owner (uid)          inodes            bytes\n");
	for (i = 0; i < n; i++)
		fprintf(out, "  %-18u %9llu %16llu\n", st->owners[i].uid,
		    (unsigned long long)st->owners[i].inodes,
		    (unsigned long long)st->owners[i].bytes);
}

static void
putlevels(const struct scan *s, FILE *out, const struct stats *st)
{
	char when[DD_DATELEN];
	int l;

	fprintf(out, "\nestimated dump by level\n");
	for (l = 0; l < 10; l++) {
		fprintf(out, "  level %d  %12llu tape blocks  %9llu inodes  ", l,
		    (unsigned long long)(st->lvblocks[l] + scan_overhead(s)),
		    (unsigned long long)st->lvinodes[l]);
		if (st->ddate[l] == 0 || dd_fmtdate(when, sizeof(when),
		    (time_t)st->ddate[l]) != 0)
			fprintf(out, "since the epoch\n");
		else
			fprintf(out, "since %s (level %d)\n", when,
			    st->lastlevel[l]);
	}
}

/* The report, on out.  Returns 0, or -1 if it could not be written. */
int
scan_summary(struct scan *s, struct names *nm, FILE *out,
    const char *special, const char *ddpath)
{
	const struct ufs *fs = &s->fs;
	struct stats st;
	int l;

	memset(&st, 0, sizeof(st));
	dates(&st, special, ddpath);
	st.nodumpdirs = bm_new(fs->maxino);
	if (st.nodumpdirs == NULL)
		die(DS_STARTUP, "out of memory");
	for (l = 0; l < 10; l++)
		if ((st.lvmap[l] = bm_new(fs->maxino)) == NULL)
			die(DS_STARTUP, "out of memory");
	gather(s, nm, &st);
	passtwo(s, nm, &st);
	fprintf(out, "%s: UFS%d, %u inodes, %lld bytes; %llu inodes in use, "
	    "%llu bytes in them\n", special, fs->ufs2 ? 2 : 1, fs->maxino,
	    (long long)fs->size * fs->fsize, (unsigned long long)st.all,
	    (unsigned long long)st.allbytes);
	puttables(out, &st);
	putlist(s, nm, out, "largest files (bytes)", &st.largest, 0, 0);
	putlist(s, nm, out, "newest (last modified)", &st.newest, 1, 0);
	putlist(s, nm, out, "oldest (last modified)", &st.oldest, 1, 1);
	fprintf(out, "\nruns of data per file or directory\n"
	    "  1: %llu   2-3: %llu   4-9: %llu   10-99: %llu   100 or more: "
	    "%llu\n", (unsigned long long)st.runs[0],
	    (unsigned long long)st.runs[1], (unsigned long long)st.runs[2],
	    (unsigned long long)st.runs[3], (unsigned long long)st.runs[4]);
	putlist(s, nm, out, "most fragmented (runs)", &st.fragmented, 0, 0);
	putlevels(s, out, &st);
	free(st.owners);
	free(st.nodumpdirs);
	for (l = 0; l < 10; l++)
		free(st.lvmap[l]);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
