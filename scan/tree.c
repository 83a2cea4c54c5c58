/*
 * The directories a dump holds must form a tree, or restore loops or
 * loses files without a word: every directory reached once from the
 * root, no entry naming an inode that is out of range or not in use, no
 * name for the root but "." and "..".  Every dumped directory is read
 * once, its entries naming directories kept as edges; a walk from the
 * root, breadth first, takes the first edge that reaches a directory as
 * its place in the tree, preferring the one its ".." agrees with.
 * Every other entry at fault is reported, by inode and path, and left
 * out of the dump (the 'o' lines of dscan(5)); each fault is an
 * error, so the dump ends "complete but not faithful".
 *
 * Memory goes by the entries that name directories (24 bytes and the
 * name each) and by the faults; the other entries are only looked at.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "dir.h"
#include "dscan.h"
#include "esc.h"
#include "msg.h"
#include "stream.h"

#define MAXDEPTH	(STREAM_PATHMAX / 2)
#define TREE		"the directory tree"	/* for messages */

enum fault { F_RANGE, F_UNUSED, F_ROOT, F_SECOND };

struct edge {
	uint32_t	parent, child;
	uint64_t	off;		/* of the entry in the parent */
	uint32_t	name;		/* in the arena: length, bytes */
	int		tree;		/* the child's place in the tree */
};

struct omit {
	uint32_t	dir;
	uint64_t	off;
};

struct dotdot {
	uint32_t	dir, parent;	/* what the ".." of dir names */
};

struct tree {
	struct scan	*s;
	struct edge	*e;
	size_t		 ne, cape;
	unsigned char	*arena;
	size_t		 alen, acap;
	struct edge	**bychild;	/* tree edges, sorted by child */
	size_t		 nbychild;
	struct omit	*o;
	size_t		 no, capo;
	struct dotdot	*dd;		/* in directory order */
	size_t		 ndd, capdd;
	uint32_t	 dir;		/* the directory being read */
};

static uint32_t
keepname(struct tree *t, const struct dent *d)
{
	uint32_t at;

	if (t->alen + 1 + d->namlen > UINT32_MAX)
		die(DS_STARTUP, "more directory names than dscan can check");
	t->arena = scan_grow(t->arena, &t->acap, t->alen + 1 + d->namlen, 1,
	    TREE);
	at = (uint32_t)t->alen;
	t->arena[t->alen++] = (unsigned char)d->namlen;
	memcpy(t->arena + t->alen, d->name, d->namlen);
	t->alen += d->namlen;
	return at;
}

static int
bychild(const void *a, const void *b)
{
	uint32_t x = (*(struct edge *const *)a)->child;
	uint32_t y = (*(struct edge *const *)b)->child;

	return x < y ? -1 : x > y;
}

/* The tree edge that names directory dir, or NULL. */
static const struct edge *
placeof(const struct tree *t, uint32_t dir)
{
	size_t lo = 0, hi = t->nbychild, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->bychild[mid]->child < dir)
			lo = mid + 1;
		else if (t->bychild[mid]->child > dir)
			hi = mid;
		else
			return t->bychild[mid];
	}
	return NULL;
}

/*
 * The path of directory dir in the tree, escaped as in dscan(5), with
 * "/" and name (namelen bytes) after it when name is not NULL; "(no
 * path)" when dir is not in the tree.
 */
static void
pathof(const struct tree *t, uint32_t dir, const unsigned char *name,
    size_t namelen, char *out, size_t size)
{
	unsigned char buf[STREAM_PATHMAX + 2];
	size_t p = sizeof(buf);
	const struct edge *e;
	const unsigned char *n;
	int depth = 0;

	if (name != NULL && namelen < p - 1) {
		p -= namelen;
		memcpy(buf + p, name, namelen);
		buf[--p] = '/';
	}
	for (; dir != UFS_ROOTINO; dir = e->parent) {
		if ((e = placeof(t, dir)) == NULL || ++depth > MAXDEPTH) {
			snprintf(out, size, "(no path)");
			return;
		}
		n = t->arena + e->name;
		if (p < (size_t)n[0] + 1) {
			snprintf(out, size, "(a path too long to show)");
			return;
		}
		p -= n[0];
		memcpy(buf + p, n + 1, n[0]);
		buf[--p] = '/';
	}
	if (p == sizeof(buf))
		buf[--p] = '/';
	if (size < ESC_MAX(sizeof(buf) - p) + 1) {
		snprintf(out, size, "(a path too long to show)");
		return;
	}
	esc_encode(out, buf + p, sizeof(buf) - p);
}

/* Report one entry at fault and keep it to be left out. */
static void
fault(struct tree *t, enum fault f, uint32_t dir, uint64_t off,
    uint32_t ino, const unsigned char *name, size_t namelen)
{
	static char path[ESC_MAX(STREAM_PATHMAX + 2) + 1];
	static char other[ESC_MAX(STREAM_PATHMAX + 2) + 1];
	char why[sizeof(other) + 128];
	struct scan *s = t->s;

	switch (f) {
	case F_RANGE:
		snprintf(why, sizeof(why), "inode number beyond the last inode "
		    "(%u; the last is %u)", ino, s->fs.maxino - 1);
		break;
	case F_UNUSED:
		snprintf(why, sizeof(why), "names inode %u, which is not in "
		    "use (free, or left out as damaged)", ino);
		break;
	case F_ROOT:
		snprintf(why, sizeof(why), "names the root directory");
		break;
	case F_SECOND:
		pathof(t, ino, NULL, 0, other, sizeof(other));
		snprintf(why, sizeof(why), "names directory inode %u, already "
		    "at %s: a second name for a directory", ino, other);
		break;
	}
	pathof(t, dir, name, namelen, path, sizeof(path));
	warnmsg("%s: directory inode %u: entry at offset %llu: %s; left out "
	    "of the dump (%s)", s->fs.dev, dir, (unsigned long long)off, why,
	    path);
	s->errors++;
	t->o = scan_grow(t->o, &t->capo, t->no + 1, sizeof(*t->o), TREE);
	t->o[t->no].dir = dir;
	t->o[t->no].off = off;
	t->no++;
}

/* Pending faults of the first reading, kept until the tree is known. */
struct early {
	enum fault	 f;
	uint32_t	 dir, ino, name;
	uint64_t	 off;
};

struct reading {
	struct tree	*t;
	struct early	*x;
	size_t		 nx, capx;
};

static int
readent(void *arg, const struct dent *d)
{
	struct reading *r = arg;
	struct tree *t = r->t;
	struct scan *s = t->s;
	struct edge *e;
	enum fault f;

	if (dir_isdot(d)) {
		if (d->namlen == 2) {
			t->dd = scan_grow(t->dd, &t->capdd, t->ndd + 1,
			    sizeof(*t->dd), TREE);
			t->dd[t->ndd].dir = t->dir;
			t->dd[t->ndd++].parent = d->ino;
		}
		return 0;
	}
	/* Inode 1 (WINO) is what whiteout entries name; restore knows. */
	if (d->ino == UFS_WINO)
		return 0;
	if (d->ino >= s->fs.maxino)
		f = F_RANGE;
	else if (d->ino == UFS_ROOTINO)
		f = F_ROOT;
	else if (!bm_isset(s->used, d->ino) && !bm_isset(s->dirs, d->ino))
		f = F_UNUSED;	/* nodump directories leave the used map */
	else if (bm_isset(s->dirs, d->ino)) {
		t->e = scan_grow(t->e, &t->cape, t->ne + 1, sizeof(*t->e),
		    TREE);
		e = &t->e[t->ne++];
		e->parent = t->dir;
		e->child = d->ino;
		e->off = d->off;
		e->name = keepname(t, d);
		e->tree = 0;
		return 0;
	} else
		return 0;
	r->x = scan_grow(r->x, &r->capx, r->nx + 1, sizeof(*r->x), TREE);
	r->x[r->nx].f = f;
	r->x[r->nx].dir = t->dir;
	r->x[r->nx].ino = d->ino;
	r->x[r->nx].off = d->off;
	r->x[r->nx].name = keepname(t, d);
	r->nx++;
	return 0;
}

/* Read every dumped directory, in inode order. */
static void
readdirs(struct tree *t, struct reading *r)
{
	struct scan *s = t->s;
	const unsigned char *raw;
	struct dinode di;
	struct dirahead da;
	uint64_t ino = 0;

	dirahead_start(&da, s, s->dump);
	while ((ino = bm_next(s->dump, ino + 1, s->fs.maxino)) <
	    s->fs.maxino) {
		if (!bm_isset(s->dirs, ino) ||
		    scan_getraw(s, (uint32_t)ino, &raw) <= 0)
			continue;
		dirahead_at(&da, ino);
		ufs_decode(&s->fs, raw, (uint32_t)ino, &di);
		if ((di.mode & UFS_IFMT) != UFS_IFDIR)
			continue;
		t->dir = (uint32_t)ino;
		dir_walk(&s->fs, &di, s->indbuf, s->dirbuf, readent, r,
		    &s->errors);
	}
	dirahead_end(&da);
}

/* The edges leaving dir: [*from, *to), edges being in parent order. */
static void
edgesof(const struct tree *t, uint32_t dir, size_t *from, size_t *to)
{
	size_t lo = 0, hi = t->ne, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->e[mid].parent < dir)
			lo = mid + 1;
		else
			hi = mid;
	}
	*from = *to = lo;
	while (*to < t->ne && t->e[*to].parent == dir)
		(*to)++;
}

/* What the ".." of directory dir names, or 0 if it was not read. */
static uint32_t
dotdotof(const struct tree *t, uint32_t dir)
{
	size_t lo = 0, hi = t->ndd, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->dd[mid].dir < dir)
			lo = mid + 1;
		else if (t->dd[mid].dir > dir)
			hi = mid;
		else
			return t->dd[mid].parent;
	}
	return 0;
}

/*
 * Breadth first from the root, twice: first along the entries that the
 * ".." of the directory they name agrees with, the tree as the kernel
 * keeps it; then along any entry, for directories whose ".." is
 * damaged.  The first edge to reach a directory is its place.  Returns
 * the map of the directories reached.
 */
static unsigned char *
walk(struct tree *t)
{
	uint32_t maxino = t->s->fs.maxino, *queue, head, tail = 0;
	unsigned char *reached = bm_new(maxino);
	size_t from, to, i;
	int pass;

	queue = malloc((t->ne + 1) * sizeof(*queue));
	t->bychild = malloc((t->ne + 1) * sizeof(*t->bychild));
	if (reached == NULL || queue == NULL || t->bychild == NULL)
		die(DS_STARTUP, "out of memory for the directory tree");
	bm_set(reached, UFS_ROOTINO);
	queue[tail++] = UFS_ROOTINO;
	for (pass = 0; pass < 2; pass++) {
		for (head = 0; head < tail; head++) {
			edgesof(t, queue[head], &from, &to);
			for (i = from; i < to; i++) {
				if (bm_isset(reached, t->e[i].child) ||
				    (pass == 0 && dotdotof(t, t->e[i].child) !=
				    t->e[i].parent))
					continue;
				bm_set(reached, t->e[i].child);
				t->e[i].tree = 1;
				t->bychild[t->nbychild++] = &t->e[i];
				queue[tail++] = t->e[i].child;
			}
		}
	}
	free(queue);
	qsort(t->bychild, t->nbychild, sizeof(*t->bychild), bychild);
	return reached;
}

static int
byplace(const void *a, const void *b)
{
	const struct omit *x = a, *y = b;

	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return (x->off > y->off) - (x->off < y->off);
}

/* Report what the walk found: second names, directories never reached. */
static void
judge(struct tree *t, struct reading *r, const unsigned char *reached)
{
	struct scan *s = t->s;
	const unsigned char *n;
	uint64_t ino = 0;
	size_t i;

	for (i = 0; i < r->nx; i++) {
		n = t->arena + r->x[i].name;
		fault(t, r->x[i].f, r->x[i].dir, r->x[i].off, r->x[i].ino,
		    n + 1, n[0]);
	}
	for (i = 0; i < t->ne; i++) {
		if (t->e[i].tree || !bm_isset(reached, t->e[i].parent))
			continue;
		n = t->arena + t->e[i].name;
		fault(t, F_SECOND, t->e[i].parent, t->e[i].off,
		    t->e[i].child, n + 1, n[0]);
	}
	while ((ino = bm_next(s->dump, ino + 1, s->fs.maxino)) <
	    s->fs.maxino) {
		if (!bm_isset(s->dirs, ino) || bm_isset(reached, ino))
			continue;
		warnmsg("%s: directory inode %u: no path from the root reaches "
		    "it (no entry names it, or only entries in directories "
		    "not reached either); restore cannot put it or what is "
		    "below it back",
		    s->fs.dev, (unsigned)ino);
		s->errors++;
	}
	if (t->no > 1)
		qsort(t->o, t->no, sizeof(*t->o), byplace);
}

/*
 * Check that the dumped directories form a tree; what is wrong is
 * reported and counted, and the entries at fault kept in s->tree for
 * scan_omitted.
 */
void
scan_checktree(struct scan *s)
{
	struct tree *t = calloc(1, sizeof(*t));
	struct reading r;
	unsigned char *reached;

	if (t == NULL)
		die(DS_STARTUP, "out of memory for the directory tree");
	t->s = s;
	memset(&r, 0, sizeof(r));
	r.t = t;
	readdirs(t, &r);
	reached = walk(t);
	judge(t, &r, reached);
	free(reached);
	free(r.x);
	free(t->e);
	free(t->arena);
	free(t->bychild);
	free(t->dd);
	t->dd = NULL;
	t->e = NULL;
	t->arena = NULL;
	t->bychild = NULL;
	t->ne = t->nbychild = 0;
	s->tree = t;
}

/*
 * Call fn for the offset of every entry of directory dir to be left
 * out, in ascending order.
 */
void
scan_omitted(const struct scan *s, uint32_t dir,
    void (*fn)(void *, uint32_t, uint64_t), void *arg)
{
	const struct tree *t = s->tree;
	size_t lo = 0, hi;

	if (t == NULL)
		return;
	hi = t->no;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->o[mid].dir < dir)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < t->no && t->o[lo].dir == dir; lo++)
		fn(arg, dir, t->o[lo].off);
}

void
scan_freetree(struct scan *s)
{
	if (s->tree == NULL)
		return;
	free(s->tree->o);
	free(s->tree);
	s->tree = NULL;
}
