/*
 * The names of inodes, from the directories alone, without mounting
 * anything: every entry of every directory in use (but "." and "..") as
 * a child, its parent and its name, then indexed by child so that all
 * the names of an inode, hard links included, come out in turn, and a
 * path is built by climbing parents to the root.
 *
 * Memory goes by entries: 12 bytes each while the directories are read,
 * 8 once indexed, plus the names themselves (a length byte and the
 * bytes) and 4 bytes an inode for the index.  Nothing is built unless
 * paths, filters or a summary are asked for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "dir.h"
#include "dscan.h"
#include "esc.h"
#include "msg.h"
#include "stream.h"

/* Deeper is too long for a path. */
#define MAXDEPTH	(STREAM_PATHMAX / 2)

struct rawent {
	uint32_t	child, parent, name;
};

struct nent {
	uint32_t	parent;
	uint32_t	name;		/* offset in the arena: length, bytes */
};

struct names {
	struct nent	*e;		/* by child: first[c] to first[c + 1] */
	uint32_t	*first;
	size_t		 n;
	unsigned char	*arena;
	size_t		 alen, acap;
	uint32_t	 maxino;
	unsigned char	*dirs;		/* the directories read */
	unsigned char	*rooted;	/* those that reach the root, or NULL */
};

#define NAMES	"the names of the file system"	/* for messages */

struct collect {
	struct names	*nm;
	struct rawent	*raw;
	size_t		 nraw, capraw;
	uint32_t	 dir;
};

/*
 * Room for need elements of size bytes in the array p of *cap elements,
 * doubling its allocation as needed; out of memory, dscan ends with a
 * message naming what (what the array holds) before any output.
 */
void *
scan_grow(void *p, size_t *cap, size_t need, size_t size, const char *what)
{
	size_t c = *cap ? *cap : 256;

	while (c < need && c <= SIZE_MAX / 2)
		c *= 2;
	if (c == *cap)
		return p;
	if (c < need || c > SIZE_MAX / size ||
	    (p = realloc(p, c * size)) == NULL)
		die(DS_STARTUP, "out of memory for %s", what);
	*cap = c;
	return p;
}

static int
addent(void *arg, const struct dent *d)
{
	struct collect *c = arg;
	struct names *nm = c->nm;
	struct rawent *r;

	if (dir_isdot(d) || d->ino >= nm->maxino)
		return 0;
	if (c->nraw == UINT32_MAX || nm->alen + 1 + d->namlen > UINT32_MAX)
		die(DS_STARTUP, "more names than dscan can index");
	c->raw = scan_grow(c->raw, &c->capraw, c->nraw + 1, sizeof(*c->raw),
	    NAMES);
	nm->arena = scan_grow(nm->arena, &nm->acap, nm->alen + 1 + d->namlen,
	    1, NAMES);
	r = &c->raw[c->nraw++];
	r->child = d->ino;
	r->parent = c->dir;
	r->name = (uint32_t)nm->alen;
	nm->arena[nm->alen++] = (unsigned char)d->namlen;
	memcpy(nm->arena + nm->alen, d->name, d->namlen);
	nm->alen += d->namlen;
	return 0;
}

/* Read every directory in use and index their entries by child. */
struct names *
names_build(struct scan *s)
{
	const struct ufs *fs = &s->fs;
	const unsigned char *raw;
	struct names *nm = calloc(1, sizeof(*nm));
	struct collect c;
	struct dirahead da;
	struct dinode di;
	uint64_t ino = 0;
	uint32_t *first;
	size_t i;

	if (nm == NULL)
		die(DS_STARTUP, "out of memory");
	nm->maxino = fs->maxino;
	nm->dirs = s->dirs;
	memset(&c, 0, sizeof(c));
	c.nm = nm;
	dirahead_start(&da, s, s->dirs);
	while ((ino = bm_next(s->dirs, ino + 1, fs->maxino)) < fs->maxino) {
		if (scan_getraw(s, (uint32_t)ino, &raw) <= 0)
			continue;
		dirahead_at(&da, ino);
		ufs_decode(fs, raw, (uint32_t)ino, &di);
		if ((di.mode & UFS_IFMT) != UFS_IFDIR)
			continue;
		c.dir = (uint32_t)ino;
		dir_walk(fs, &di, s->indbuf, s->dirbuf, addent, &c,
		    &s->errors);
	}
	dirahead_end(&da);
	/* A counting sort by child. */
	first = calloc((size_t)fs->maxino + 1, sizeof(*first));
	nm->e = malloc((c.nraw ? c.nraw : 1) * sizeof(*nm->e));
	if (first == NULL || nm->e == NULL)
		die(DS_STARTUP, "out of memory for the names of the file system");
	for (i = 0; i < c.nraw; i++)
		first[c.raw[i].child + 1]++;
	for (i = 1; i <= fs->maxino; i++)
		first[i] += first[i - 1];
	for (i = 0; i < c.nraw; i++) {
		struct nent *e = &nm->e[first[c.raw[i].child]++];

		e->parent = c.raw[i].parent;
		e->name = c.raw[i].name;
	}
	/* first[c] is now the end of c's entries, the start of c + 1's. */
	memmove(first + 1, first, (size_t)fs->maxino * sizeof(*first));
	first[0] = 0;
	free(c.raw);
	nm->first = first;
	nm->n = c.nraw;
	return nm;
}

void
names_free(struct names *nm)
{
	if (nm == NULL)
		return;
	free(nm->e);
	free(nm->arena);
	free(nm->first);
	free(nm->rooted);
	free(nm);
}

/* The entries naming ino: [*from, *to) in nm->e. */
static void
range(const struct names *nm, uint32_t ino, size_t *from, size_t *to)
{
	if (ino >= nm->maxino) {
		*from = *to = 0;
		return;
	}
	*from = nm->first[ino];
	*to = nm->first[ino + 1];
}

/* The parent of a directory by its first name, or 0 if it has none. */
uint32_t
names_parent(const struct names *nm, uint32_t dir)
{
	size_t from, to;

	range(nm, dir, &from, &to);
	return from < to ? nm->e[from].parent : 0;
}

enum { P_OK, P_FAIL };

/*
 * Build, backwards from buf + end, the path of entry e: its name, then
 * the names of the directories above it.  *start is where it begins.
 */
static int
entpath(const struct names *nm, const struct nent *e, char *buf, size_t end,
    size_t *start)
{
	size_t p = end, from, to;
	const unsigned char *name;
	uint32_t dir;
	int depth = 0;

	for (;;) {
		name = nm->arena + e->name;
		if (p < (size_t)name[0] + 1)
			return P_FAIL;
		p -= name[0];
		memcpy(buf + p, name + 1, name[0]);
		buf[--p] = '/';
		dir = e->parent;
		if (dir == UFS_ROOTINO)
			break;
		range(nm, dir, &from, &to);
		if (from == to || ++depth > MAXDEPTH)
			return P_FAIL;	/* too long, or lost on the way */
		e = &nm->e[from];
	}
	*start = p;
	return P_OK;
}

/*
 * Call fn for every path of ino ("/" for the root), hard links included,
 * as bytes (not escaped).  A path longer than a restore can make is
 * left out with a warning; a path that does not reach the root (a
 * directory on the way that no directory names, or directories that
 * loop) is damage, and counted.
 */
void
names_each(struct scan *s, struct names *nm, uint32_t ino,
    void (*fn)(void *, const char *, size_t), void *arg)
{
	char buf[STREAM_PATHMAX];
	unsigned char *top;
	size_t from, to, i, start = 0;
	uint32_t dir;

	if (ino == UFS_ROOTINO) {
		fn(arg, "/", 1);
		return;
	}
	range(nm, ino, &from, &to);
	for (i = from; i < to; i++) {
		if (entpath(nm, &nm->e[i], buf, sizeof(buf), &start) == P_OK) {
			fn(arg, buf + start, sizeof(buf) - start);
			continue;
		}
		if (nm->rooted == NULL) {
			if ((top = bm_new(nm->maxino)) == NULL)
				die(DS_STARTUP, "out of memory");
			bm_set(top, UFS_ROOTINO);
			nm->rooted = names_closure(nm, nm->dirs, top);
			free(top);
		}
		dir = nm->e[i].parent;
		if (bm_isset(nm->rooted, dir)) {
			warnmsg("%s: inode %u: its path by directory %u is longer "
			    "than %d bytes; left out", s->fs.dev, ino, dir,
			    STREAM_PATHMAX);
			continue;
		}
		warnmsg("%s: inode %u: its path by directory %u does not reach "
		    "the root (a directory on the way has no name, or the "
		    "directories loop)", s->fs.dev, ino, dir);
		s->errors++;
	}
}

/*
 * Mark in map every directory above every name of ino, up to the root,
 * so that a dump holding ino can put it back at its paths.  Climbing
 * stops at a directory already marked: what is above it is too.
 */
void
names_ancestors(const struct names *nm, uint32_t ino, unsigned char *map)
{
	size_t from, to, i;
	uint32_t dir, depth;

	range(nm, ino, &from, &to);
	for (i = from; i < to; i++) {
		dir = nm->e[i].parent;
		for (depth = 0; dir != 0 && !bm_isset(map, dir) &&
		    depth < nm->maxino; depth++) {
			bm_set(map, dir);
			if (dir == UFS_ROOTINO)
				break;
			dir = names_parent(nm, dir);
		}
	}
}

/*
 * The inode at path (a "/"-rooted path of names; empty components are
 * ignored), found through the directories, or 0 if there is none.
 */
uint32_t
names_lookup(const struct names *nm, const char *path)
{
	uint32_t cur = UFS_ROOTINO, c, found;
	const char *comp, *end;
	const unsigned char *name;
	size_t len, i;

	for (comp = path; *comp != '\0'; comp = end) {
		while (*comp == '/')
			comp++;
		if (*comp == '\0')
			break;
		end = strchr(comp, '/');
		if (end == NULL)
			end = comp + strlen(comp);
		len = (size_t)(end - comp);
		found = 0;
		for (c = 1; c < nm->maxino && found == 0; c++)
			for (i = nm->first[c]; i < nm->first[c + 1]; i++) {
				name = nm->arena + nm->e[i].name;
				if (nm->e[i].parent == cur && name[0] == len &&
				    memcmp(name + 1, comp, len) == 0) {
					found = c;
					break;
				}
			}
		if (found == 0)
			return 0;
		cur = found;
	}
	return cur;
}

/*
 * The directories among dirs that are marked in tops or lie below one
 * (by their first names), as a new map.  Each directory is climbed from
 * once; a chain that loops or loses its way reaches no top.
 */
unsigned char *
names_closure(const struct names *nm, const unsigned char *dirs,
    const unsigned char *tops)
{
	uint32_t maxino = nm->maxino, *stack, n, x;
	unsigned char *known, *onstack, *below;
	uint64_t ino = 0;
	int in;

	known = bm_new(maxino);
	onstack = bm_new(maxino);
	below = bm_new(maxino);
	stack = malloc((size_t)maxino * sizeof(*stack));
	if (known == NULL || onstack == NULL || below == NULL || stack == NULL)
		die(DS_STARTUP, "out of memory");
	while ((ino = bm_next(dirs, ino + 1, maxino)) < maxino) {
		in = 0;
		for (n = 0, x = (uint32_t)ino; ; x = names_parent(nm, x)) {
			if (x == 0 || x >= maxino || bm_isset(onstack, x))
				break;		/* lost, or a loop */
			if (bm_isset(known, x)) {
				in = bm_isset(below, x);
				break;
			}
			if (bm_isset(tops, x)) {
				in = 1;
				break;
			}
			bm_set(onstack, x);
			stack[n++] = x;
			if (x == UFS_ROOTINO)
				break;
		}
		while (n > 0) {
			x = stack[--n];
			bm_clr(onstack, x);
			bm_set(known, x);
			if (in)
				bm_set(below, x);
		}
	}
	ino = 0;
	while ((ino = bm_next(tops, ino + 1, maxino)) < maxino)
		bm_set(below, ino);
	free(stack);
	free(known);
	free(onstack);
	return below;
}

/* Is one of the names of ino in a directory marked in map? */
int
names_inany(const struct names *nm, uint32_t ino, const unsigned char *map)
{
	size_t from, to, i;

	range(nm, ino, &from, &to);
	for (i = from; i < to; i++)
		if (bm_isset(map, nm->e[i].parent))
			return 1;
	return 0;
}
