/*
 * Filters (-w): which inodes the stream keeps, decided from the inodes
 * and their names before any data block is read.  Criteria of different
 * kinds must all hold; several ino= or path= criteria are alternatives.
 * The directories on the way to what is kept stay in the stream, so
 * that restore can put it back at its paths.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "dscan.h"
#include "dumpdates.h"
#include "esc.h"
#include "msg.h"
#include "num.h"
#include "stream.h"

struct filter {
	unsigned	 types;		/* bit per type letter; 0: any */
	int		 hasnewer;
	int64_t		 newer;		/* ctime or mtime at or after */
	int		 newerlevel;	/* newer=level:N, -1 if not */
	uint64_t	 minsize, maxsize;
	int64_t		 uid, gid;	/* -1: any */
	char		**inolists;	/* ino= criteria, parsed later */
	int		 ninos;
	unsigned char	*inos;		/* their inodes */
	char		**paths;	/* path= prefixes, as given */
	unsigned char	*pathtops;	/* the inodes they name */
	unsigned char	*within;	/* directories at or below those */
	int		 npaths;
};

static const char typeletters[] = "dflcbps";

static unsigned
typebit(char c)
{
	const char *p = strchr(typeletters, c);

	return p != NULL && c != '\0' ? 1u << (p - typeletters) : 0;
}

/* A size with an optional k, M, G or T (powers of 1024). */
static int
parsesize(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;
	int shift = 0;

	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *s == '-')
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (shift > 0 && x > (~0ull >> shift))
		return -1;
	*v = (uint64_t)x << shift;
	return 0;
}

static void *
append(void *list, int n, size_t size)
{
	void *p = realloc(list, ((size_t)n + 1) * size);

	if (p == NULL)
		die(DS_STARTUP, "out of memory");
	return p;
}

static struct filter *
newfilter(void)
{
	struct filter *f = calloc(1, sizeof(*f));

	if (f == NULL)
		die(DS_STARTUP, "out of memory");
	f->uid = f->gid = -1;
	f->newerlevel = -1;
	f->maxsize = UINT64_MAX;
	return f;
}

/* size<N, size<=N, size>N, size>=N or size=N (crit[4] is <, > or =). */
static void
addsize(struct filter *f, const char *crit)
{
	int orequal = crit[5] == '=', bad = 0;
	const char *val = crit + 5 + (orequal && crit[4] != '=');
	uint64_t v;

	if (parsesize(val, &v) != 0) {
		bad = 1;
	} else if (crit[4] == '=') {
		f->minsize = f->minsize > v ? f->minsize : v;
		f->maxsize = f->maxsize < v ? f->maxsize : v;
	} else if (crit[4] == '>') {
		if (!orequal && v == UINT64_MAX)
			bad = 1;
		v += !orequal;
		f->minsize = f->minsize > v ? f->minsize : v;
	} else {
		if (!orequal && v == 0)
			bad = 1;
		v -= !orequal;
		f->maxsize = f->maxsize < v ? f->maxsize : v;
	}
	if (bad)
		die(DS_STARTUP, "-w %s: a size is a number of bytes, with k, "
		    "M, G or T after it for 1024, 1024^2...", crit);
}

static void
addtypes(struct filter *f, const char *val)
{
	int i;

	for (i = 0; val[i] != '\0'; i++) {
		if (typebit(val[i]) == 0)
			break;
		f->types |= typebit(val[i]);
	}
	if (i == 0 || val[i] != '\0')
		die(DS_STARTUP, "-w type=%s: types are letters among %s", val,
		    typeletters);
}

/* newer=: seconds since the epoch, a ctime(3) date, or level:N. */
static void
addnewer(struct filter *f, const char *val)
{
	long long n;
	time_t t;

	f->hasnewer = 1;
	if (strncmp(val, "level:", 6) == 0) {
		if (parsenum(val + 6, 0, 9, &n) != 0)
			die(DS_STARTUP, "-w newer=%s: the level is 0 to 9",
			    val);
		f->newerlevel = (int)n;
	} else if (parsenum(val, INT64_MIN, INT64_MAX, &n) == 0) {
		f->newer = n;
	} else if (dd_parsedate(val, &t) == 0) {
		f->newer = (int64_t)t;
	} else {
		die(DS_STARTUP, "-w newer=%s: not seconds since the epoch, a "
		    "date like \"Sun Nov 15 09:00:00 2026\", or level:N", val);
	}
}

/* Take one -w criterion; the message names it when it is malformed. */
void
filter_add(struct scan *s, char *crit)
{
	struct filter *f;
	const char *val;
	long long n;
	char *eq;

	if (s->filter == NULL)
		s->filter = newfilter();
	f = s->filter;
	if (strncmp(crit, "size", 4) == 0 && crit[4] != '\0' &&
	    strchr("<>=", crit[4]) != NULL) {
		addsize(f, crit);
		return;
	}
	eq = strchr(crit, '=');
	if (eq == NULL)
		die(DS_STARTUP, "-w %s: not a criterion (type=, size<, size>, "
		    "size=, uid=, gid=, ino=, newer=, path=)", crit);
	*eq = '\0';
	val = eq + 1;
	if (strcmp(crit, "type") == 0) {
		addtypes(f, val);
	} else if (strcmp(crit, "uid") == 0 || strcmp(crit, "gid") == 0) {
		if (parsenum(val, 0, 0xffffffffLL, &n) != 0)
			die(DS_STARTUP, "-w %s=%s: not a number from 0 to %u",
			    crit, val, 0xffffffffu);
		*(crit[0] == 'u' ? &f->uid : &f->gid) = n;
	} else if (strcmp(crit, "ino") == 0) {
		f->inolists = append(f->inolists, f->ninos, sizeof(char *));
		f->inolists[f->ninos++] = (char *)val;
	} else if (strcmp(crit, "path") == 0) {
		if (val[0] != '/')
			die(DS_STARTUP, "-w path=%s: paths begin with / (the "
			    "root of the file system)", val);
		f->paths = append(f->paths, f->npaths, sizeof(char *));
		f->paths[f->npaths++] = (char *)val;
	} else if (strcmp(crit, "newer") == 0) {
		addnewer(f, val);
	} else {
		die(DS_STARTUP, "-w %s: no such criterion (type, size, uid, "
		    "gid, ino, newer, path)", crit);
	}
}

/* ino= lists: numbers, ranges a-b, or @file of those. */

/* One item of a list: an inode, or a range such as 100-199. */
static void
additem(struct scan *s, struct filter *f, char *item, const char *from)
{
	char *dash = strchr(item, '-');
	uint32_t max = s->fs.maxino - 1;
	long long a, b;

	if (dash != NULL)
		*dash = '\0';
	if (parsenum(item, 1, max, &a) != 0 || (dash != NULL &&
	    (parsenum(dash + 1, a, max, &b) != 0)))
		die(DS_STARTUP, "-w ino=%s: \"%s%s%s\" is not an inode or a "
		    "range of inodes from 1 to %u", from, item, dash ? "-" : "",
		    dash ? dash + 1 : "", max);
	if (dash == NULL)
		b = a;
	for (; a <= b; a++)
		bm_set(f->inos, (uint64_t)a);
}

/* What separates the items of a list. */
static const char inoseps[] = ", \t\n";

static void
addinos(struct scan *s, struct filter *f, const char *list, const char *from)
{
	char *copy = strdup(list), *item;

	if (copy == NULL)
		die(DS_STARTUP, "out of memory");
	for (item = strtok(copy, inoseps); item != NULL;
	    item = strtok(NULL, inoseps))
		additem(s, f, item, from);
	free(copy);
}

/*
 * The lists of @file, an item at a time: however long its lines, no
 * number is cut in two (a line read in pieces would turn 123 into 12
 * and 3), and a NUL byte cannot hide the rest of a line.
 */
static void
readinos(struct scan *s, struct filter *f, const char *arg)
{
	char item[64];
	size_t n = 0;
	FILE *fp;
	int c;

	if (arg[0] != '@') {
		addinos(s, f, arg, arg);
		return;
	}
	fp = fopen(arg + 1, "r");
	if (fp == NULL)
		die(DS_STARTUP, "-w ino=%s:", arg);
	for (;;) {
		c = getc(fp);
		if (c != EOF && (c == '\0' || strchr(inoseps, c) == NULL)) {
			if (c == '\0' || n == sizeof(item) - 1) {
				item[n] = '\0';
				die(DS_STARTUP, "-w ino=%s: \"%s%s\" is not an "
				    "inode or a range of inodes", arg, item,
				    c == '\0' ? "\\0..." : "...");
			}
			item[n++] = (char)c;
			continue;
		}
		if (n > 0) {
			item[n] = '\0';
			additem(s, f, item, arg);
			n = 0;
		}
		if (c == EOF)
			break;
	}
	if (ferror(fp))
		die(DS_STARTUP, "-w ino=%s: read error:", arg);
	fclose(fp);
}

/* Dates from the dumpdates file, once the file system is known. */
void
filter_setup(struct scan *s, const char *special, const char *ddpath)
{
	struct filter *f = s->filter;
	struct dumpdates dd;
	const struct ddent *prev;
	int i;

	if (f == NULL)
		return;
	if (f->ninos > 0) {
		f->inos = bm_new(s->fs.maxino);
		if (f->inos == NULL)
			die(DS_STARTUP, "out of memory");
		for (i = 0; i < f->ninos; i++)
			readinos(s, f, f->inolists[i]);
	}
	if (f->newerlevel < 0)
		return;
	if (dd_readname(&dd, ddpath, special) == DD_BADFMT)
		exit(DS_STARTUP);
	/* The newest dump of that level or a lower one. */
	prev = dd_lookup(&dd, special, f->newerlevel + 1);
	if (prev == NULL)
		warnmsg("-w newer=level:%d: %s has no dump of %s at level %d "
		    "or lower; everything is newer", f->newerlevel, ddpath,
		    special, f->newerlevel);
	f->newer = prev != NULL ? (int64_t)prev->date : 0;
	dd_free(&dd);
}

/* The inodes the path= criteria name, once the names are known. */
void
filter_paths(struct scan *s, const struct names *nm)
{
	struct filter *f = s->filter;
	unsigned char path[STREAM_PATHMAX + 1];
	uint32_t ino;
	size_t len;
	int i;

	if (f == NULL || f->npaths == 0)
		return;
	f->pathtops = bm_new(s->fs.maxino);
	if (f->pathtops == NULL)
		die(DS_STARTUP, "out of memory");
	for (i = 0; i < f->npaths; i++) {
		if (esc_decode(path, sizeof(path) - 1, f->paths[i], &len) != 0 ||
		    memchr(path, '\0', len) != NULL)
			die(DS_STARTUP, "-w path=%s: badly escaped, or longer "
			    "than %d bytes (see dscan(5) for the escaping)",
			    f->paths[i], STREAM_PATHMAX);
		path[len] = '\0';
		ino = names_lookup(nm, (const char *)path);
		if (ino == 0)
			die(DS_STARTUP, "-w path=%s: no such path in %s",
			    f->paths[i], s->fs.dev);
		bm_set(f->pathtops, ino);
	}
	f->within = names_closure(nm, s->dirs, f->pathtops);
}

/* Do the criteria keep dp? */
int
filter_keeps(const struct scan *s, const struct names *nm,
    const struct dinode *dp)
{
	const struct filter *f = s->filter;
	uint64_t size = dp->size;

	if (f->types && !(f->types & typebit(ufs_typechar(dp->mode))))
		return 0;
	if (size < f->minsize || size > f->maxsize)
		return 0;
	if ((f->uid >= 0 && dp->uid != (uint64_t)f->uid) ||
	    (f->gid >= 0 && dp->gid != (uint64_t)f->gid))
		return 0;
	if (f->hasnewer && dp->mtime < f->newer && dp->ctime < f->newer)
		return 0;
	if (f->inos != NULL && !bm_isset(f->inos, dp->ino))
		return 0;
	if (f->npaths == 0)
		return 1;
	return bm_isset(f->pathtops, dp->ino) ||
	    names_inany(nm, dp->ino, f->within);
}

/*
 * Cut the dump map down to what the filters keep, then put back the
 * directories on the way to it, and the root: no more than the dump
 * would have held without filters (a directory left out for nodump
 * stays out).  A file kept under one of its names keeps all of them.
 */
void
filter_apply(struct scan *s, const struct names *nm)
{
	const struct ufs *fs = &s->fs;
	unsigned char *keep = bm_new(fs->maxino);
	const unsigned char *raw;
	struct dinode di;
	uint64_t ino = 0;
	size_t i;

	if (keep == NULL)
		die(DS_STARTUP, "out of memory");
	while ((ino = bm_next(s->dump, ino + 1, fs->maxino)) < fs->maxino) {
		if (scan_getraw(s, (uint32_t)ino, &raw) <= 0)
			continue;
		ufs_decode(fs, raw, (uint32_t)ino, &di);
		if (filter_keeps(s, nm, &di)) {
			bm_set(keep, ino);
			names_ancestors(nm, (uint32_t)ino, keep);
		}
	}
	bm_set(keep, UFS_ROOTINO);
	for (i = 0; i < (size_t)(fs->maxino / 8 + 1); i++)
		s->dump[i] &= keep[i];
	free(keep);
	s->ninodes = 0;
	for (ino = 0; (ino = bm_next(s->dump, ino + 1, fs->maxino)) <
	    fs->maxino;)
		s->ninodes++;
	scan_reestimate(s);
}
