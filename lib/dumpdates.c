#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dumpdates.h"
#include "msg.h"

#define BLANKS		" \t"
#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')

static const char wdays[] = "SunMonTueWedThuFriSat";
static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* The fields of a ctime(3) date and of Linux dump's "+HHMM" after it. */
struct cdate {
	int	year, mon, mday, hour, min, sec;
	int	utc;		/* an offset was given: the time is not local */
	long	off;		/* seconds east of UTC */
};

static int
isleap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return n[m] + (m == 1 && isleap(y));
}

/* Days from 1 Jan 1970 to y-m-d (m from 0); no timegm(3) in POSIX. */
static long long
daynum(int y, int m, int d)
{
	long long n;
	int i;

	n = 365LL * (y - 1) + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
	for (i = 0; i < m; i++)
		n += mdays(y, i);
	return n + d - 1 - 719162;
}

/* The index of the three letters at *sp among the n names of table. */
static int
abbrev(const char **sp, const char *table, int n)
{
	const char *s = *sp, *t;
	int i;

	/* By hand, as strncmp(3) costs much more for three bytes; s ends
	 * in a NUL that stops the comparison. */
	for (i = 0; i < n; i++) {
		t = table + 3 * i;
		if (s[0] == t[0] && s[1] == t[1] && s[2] == t[2]) {
			*sp += 3;
			return i;
		}
	}
	return -1;
}

/* mindig to maxdig digits at *sp making a number from lo to hi. */
static int
number(const char **sp, int mindig, int maxdig, int lo, int hi, int *v)
{
	const char *s = *sp;
	int d, n = 0;

	for (d = 0; d < maxdig && ISDIGIT(s[d]); d++)
		n = n * 10 + (s[d] - '0');
	if (d < mindig || n < lo || n > hi)
		return -1;
	*sp = s + d;
	*v = n;
	return 0;
}

/* Skips blanks; -1 if there were none. */
static int
blanks(const char **sp)
{
	const char *s = *sp;

	while (*s == ' ' || *s == '\t')
		s++;
	if (s == *sp)
		return -1;
	*sp = s;
	return 0;
}

static int
scanoffset(const char **sp, struct cdate *d)
{
	int sign, hh, mm;

	sign = **sp == '-' ? -1 : 1;
	(*sp)++;
	if (number(sp, 2, 2, 0, 23, &hh) != 0 ||
	    number(sp, 2, 2, 0, 59, &mm) != 0)
		return -1;
	d->utc = 1;
	d->off = sign * (hh * 3600L + mm * 60L);
	return 0;
}

/*
 * "Sat Nov 21 06:00:00 2026" with any blanks between the fields, as
 * strptime's "%a %b %e %T %Y" in dump's unctime() takes it, then an
 * optional " +HHMM" or " -HHMM".
 */
static int
scandate(const char *s, struct cdate *d)
{
	s += strspn(s, BLANKS);
	if (abbrev(&s, wdays, 7) < 0 || blanks(&s) != 0 ||
	    (d->mon = abbrev(&s, months, 12)) < 0 || blanks(&s) != 0 ||
	    number(&s, 1, 2, 1, 31, &d->mday) != 0 || blanks(&s) != 0 ||
	    number(&s, 1, 2, 0, 23, &d->hour) != 0 || *s++ != ':' ||
	    number(&s, 1, 2, 0, 59, &d->min) != 0 || *s++ != ':' ||
	    number(&s, 1, 2, 0, 60, &d->sec) != 0 || blanks(&s) != 0 ||
	    number(&s, 4, 4, 1900, 9999, &d->year) != 0)
		return -1;
	d->utc = 0;
	d->off = 0;
	if (blanks(&s) == 0 && (*s == '+' || *s == '-') &&
	    scanoffset(&s, d) != 0)
		return -1;
	s += strspn(s, BLANKS);
	if (*s != '\0' || d->mday > mdays(d->year, d->mon))
		return -1;
	return 0;
}

/* The fields of tm in seconds, read as if they were UTC. */
static long long
tmsecs(const struct tm *tm)
{
	return daynum(tm->tm_year + 1900, tm->tm_mon, tm->tm_mday) * 86400 +
	    tm->tm_hour * 3600LL + tm->tm_min * 60LL + tm->tm_sec;
}

/* Local time at t, in seconds read as UTC (tmsecs()); 0 or -1. */
static int
localat(long long t, long long *local)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((long long)tt != t || localtime_r(&tt, &tm) == NULL)
		return -1;
	*local = tmsecs(&tm);
	return 0;
}

/*
 * The seconds since the epoch at which local time reads naive (local
 * fields in seconds, as tmsecs() counts them); 0 or -1.  The offsets
 * from UTC in force 30 hours before and after bracket the date, and each
 * gives a candidate: the one whose local time reads back as the date;
 * in the hour clocks go back, where both do, the earlier (an earlier
 * date dumps more, never less); in the hour they skip, where none does,
 * the earlier too.  Only localtime_r(3): mktime(3) picks either reading
 * of the repeated hour depending on its earlier calls in some C
 * libraries, and reads the time zone file at every call in others.
 */
static int
localsecs(long long naive, long long *v)
{
	static int tzread;
	long long before, after, c1, c2, back1, back2;

	if (!tzread) {		/* which localtime_r(3) need not do */
		tzset();
		tzread = 1;
	}
	if (localat(naive - 30 * 3600, &before) != 0 ||
	    localat(naive + 30 * 3600, &after) != 0)
		return -1;
	c1 = naive - (before - (naive - 30 * 3600));
	c2 = naive - (after - (naive + 30 * 3600));
	if (localat(c1, &back1) != 0 || localat(c2, &back2) != 0)
		return -1;
	if ((back1 == naive) == (back2 == naive))
		*v = c1 < c2 ? c1 : c2;
	else
		*v = back1 == naive ? c1 : c2;
	return 0;
}

/*
 * A ctime(3) date, local time unless an offset follows, from the epoch
 * to DD_TMAX; 0 or -1.  The weekday is not checked against the date,
 * as strptime(3) does not check it either.
 */
int
dd_parsedate(const char *s, time_t *t)
{
	struct cdate d;
	long long naive, v;

	if (scandate(s, &d) != 0)
		return -1;
	naive = daynum(d.year, d.mon, d.mday) * 86400 + d.hour * 3600LL +
	    d.min * 60LL + d.sec;
	if (d.utc)
		v = naive - d.off;
	else if (localsecs(naive, &v) != 0)
		return -1;
	if (v < 0 || v > DD_TMAX)
		return -1;
	*t = (time_t)v;
	return 0;
}

/* t in local time as ctime(3) writes it, without the newline. */
int
dd_fmtdate(char *buf, size_t size, time_t t)
{
	struct tm tm;
	int n;

	tzset();	/* which localtime_r(3) need not do */
	if (localtime_r(&t, &tm) == NULL || tm.tm_year < 0 ||
	    tm.tm_year > 9999 - 1900 || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11)
		return -1;
	n = snprintf(buf, size, "%.3s %.3s %2d %02d:%02d:%02d %d",
	    wdays + 3 * tm.tm_wday, months + 3 * tm.tm_mon, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* A name that a line can hold and every dump reads back. */
int
dd_okname(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= DD_NAMEMAX && strcspn(name, " \t\n") == n;
}

enum { L_LINE, L_EOF, L_ERROR, L_LONG, L_NUL };

/* One line into buf without its newline; the last may lack one. */
static int
readline(FILE *fp, char *buf, size_t size)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(fp)) != EOF && c != '\n') {
		if (c == '\0')
			return L_NUL;
		if (n + 1 >= size)
			return L_LONG;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (ferror(fp))
		return L_ERROR;
	return c == EOF && n == 0 ? L_EOF : L_LINE;
}

/*
 * "name level date": name and level end at a blank, and any number of
 * blanks may come before and between the fields, which covers the
 * padding of every dump.  e->name and *date point into s.
 */
static int
splitline(char *s, struct ddent *e, char **date, const char *path,
    unsigned long ln)
{
	char *lev;
	size_t n;

	s += strspn(s, BLANKS);
	if (*s == '\0') {
		warnmsg("%s: line %lu: empty line", path, ln);
		return -1;
	}
	e->name = s;
	s += strcspn(s, BLANKS);
	if (*s != '\0')
		*s++ = '\0';
	s += strspn(s, BLANKS);
	lev = s;
	n = strcspn(s, BLANKS);
	if (n == 0) {
		warnmsg("%s: line %lu: no level after the name", path, ln);
		return -1;
	}
	if (n != 1 || !ISDIGIT(*lev)) {
		warnmsg("%s: line %lu: level \"%.*s\" is not a digit from 0 "
		    "to 9", path, ln, (int)n, lev);
		return -1;
	}
	e->level = *lev - '0';
	s = lev + 1;
	s += strspn(s, BLANKS);
	if (*s == '\0') {
		warnmsg("%s: line %lu: no date after the level", path, ln);
		return -1;
	}
	*date = s;
	return 0;
}

static int
baddate(const char *date, const char *path, unsigned long ln)
{
	warnmsg("%s: line %lu: date \"%s\" is not a ctime(3) date from 1970 "
	    "to 9999", path, ln, date);
	return -1;
}

static int
parseline(char *s, struct ddent *e, const char *path, unsigned long ln)
{
	char *date;

	if (splitline(s, e, &date, path, ln) != 0)
		return -1;
	if (dd_parsedate(date, &e->date) != 0)
		return baddate(date, path, ln);
	return 0;
}

/* Appends an entry that takes over name, an allocated string. */
static int
push(struct dumpdates *dd, char *name, int level, time_t date)
{
	struct ddent *p;
	size_t cap;

	if (dd->n == dd->cap) {
		cap = dd->cap == 0 ? 16 : dd->cap * 2;
		if ((p = realloc(dd->ent, cap * sizeof(*p))) == NULL)
			return -1;
		dd->ent = p;
		dd->cap = cap;
	}
	dd->ent[dd->n].name = name;
	dd->ent[dd->n].level = level;
	dd->ent[dd->n].date = date;
	dd->n++;
	return 0;
}

/* What readline() said about line ln, as DD_OK or an error reported. */
static int
linestatus(int r, const char *path, unsigned long ln)
{
	switch (r) {
	case L_ERROR:
		warnmsg("%s:", path);
		return DD_IOERR;
	case L_LONG:
		warnmsg("%s: line %lu: longer than %d bytes", path, ln,
		    DD_LINEMAX - 1);
		return DD_BADFMT;
	case L_NUL:
		warnmsg("%s: line %lu: holds a NUL byte", path, ln);
		return DD_BADFMT;
	}
	return DD_OK;
}

static int
readlines(struct dumpdates *dd, FILE *fp, const char *path)
{
	char buf[DD_LINEMAX], *name;
	struct ddent e;
	unsigned long ln = 0;
	int r;

	while ((r = readline(fp, buf, sizeof(buf))) != L_EOF) {
		ln++;
		if ((r = linestatus(r, path, ln)) != DD_OK)
			return r;
		if (parseline(buf, &e, path, ln) != 0)
			return DD_BADFMT;
		if ((name = strdup(e.name)) == NULL ||
		    push(dd, name, e.level, e.date) != 0) {
			free(name);
			warnmsg("%s:", path);
			return DD_IOERR;
		}
	}
	return DD_OK;
}

/*
 * Start a read of path: no lines yet, the file open on *fp under a lock
 * shared with other readers, which keeps an update in place out (where
 * there are no locks, NFS without lockd, it reads anyway).  A missing
 * file is DD_NOFILE.
 */
static int
openread(struct dumpdates *dd, const char *path, FILE **fp)
{
	dd->ent = NULL;
	dd->n = dd->cap = 0;
	if ((*fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return DD_NOFILE;
		warnmsg("%s:", path);
		return DD_IOERR;
	}
	if (dd_lockread(fileno(*fp)) != 0) {
		/* nothing to wait for */
	}
	return DD_OK;
}

/* The whole file, checked; a missing file is DD_NOFILE and no lines. */
int
dd_read(struct dumpdates *dd, const char *path)
{
	FILE *fp;
	int r;

	if ((r = openread(dd, path, &fp)) != DD_OK)
		return r;
	r = readlines(dd, fp, path);
	fclose(fp);
	if (r != DD_OK)
		dd_free(dd);
	return r;
}

/*
 * The lines from fp, already open (an updater reads the bytes it holds
 * locked: closing another descriptor of the file would drop its lock).
 */
int
dd_readfp(struct dumpdates *dd, FILE *fp, const char *path)
{
	int r;

	dd->ent = NULL;
	dd->n = dd->cap = 0;
	if ((r = readlines(dd, fp, path)) != DD_OK)
		dd_free(dd);
	return r;
}

/*
 * Is date one that dd_parsedate() takes?  A local date in the years 1971
 * to 9998 is inside its range in every time zone, so only the others go
 * through mktime(3), which some C libraries make look at the time zone
 * file at every call.
 */
static int
okdate(const char *date)
{
	struct cdate d;
	time_t t;

	if (scandate(date, &d) != 0)
		return 0;
	if (!d.utc && d.year > 1970 && d.year < 9999)
		return 1;
	return dd_parsedate(date, &t) == 0;
}

/* The newest dump of one name at one level, and the first line saying so. */
struct newest {
	int		have;
	time_t		date;
	unsigned long	line;
};

/*
 * Check every line of fp, and of those for name keep in lev[] the newest
 * date of each level with the first line that gives it.
 */
static int
scanlines(FILE *fp, const char *path, const char *name, struct newest *lev)
{
	char buf[DD_LINEMAX], *date;
	struct ddent e;
	unsigned long ln = 0;
	time_t t;
	int r;

	while ((r = readline(fp, buf, sizeof(buf))) != L_EOF) {
		ln++;
		if ((r = linestatus(r, path, ln)) != DD_OK)
			return r;
		if (splitline(buf, &e, &date, path, ln) != 0)
			return DD_BADFMT;
		if (strcmp(e.name, name) == 0 ? dd_parsedate(date, &t) != 0 :
		    !okdate(date)) {
			baddate(date, path, ln);
			return DD_BADFMT;
		}
		if (strcmp(e.name, name) != 0)
			continue;
		if (!lev[e.level].have || t > lev[e.level].date) {
			lev[e.level].have = 1;
			lev[e.level].date = t;
			lev[e.level].line = ln;
		}
	}
	return DD_OK;
}

/* The kept lines into dd, in file order. */
static int
gather(struct dumpdates *dd, const char *name, struct newest *lev)
{
	char *copy;
	int l, next;

	for (;;) {
		next = -1;
		for (l = 0; l < 10; l++)
			if (lev[l].have && (next < 0 ||
			    lev[l].line < lev[next].line))
				next = l;
		if (next < 0)
			return DD_OK;
		lev[next].have = 0;
		if ((copy = strdup(name)) == NULL ||
		    push(dd, copy, next, lev[next].date) != 0) {
			free(copy);
			return DD_IOERR;
		}
	}
}

/*
 * The lines of path for name that dd_lookup() can choose (the first of
 * the newest of each level), every line checked as dd_read() checks it,
 * reading the file once, line by line: the memory taken does not grow
 * with the file.  The results are dd_read()'s.
 */
int
dd_readname(struct dumpdates *dd, const char *path, const char *name)
{
	struct newest lev[10];
	FILE *fp;
	int r;

	if ((r = openread(dd, path, &fp)) != DD_OK)
		return r;
	memset(lev, 0, sizeof(lev));
	r = scanlines(fp, path, name, lev);
	fclose(fp);
	if (r == DD_OK && (r = gather(dd, name, lev)) != DD_OK)
		warnmsg("%s:", path);
	if (r != DD_OK)
		dd_free(dd);
	return r;
}

/* Names seen by dd_readlast(): indices into its entries, by a hash. */
struct nametab {
	size_t	*slot;		/* index + 1, 0 for an empty slot */
	size_t	 cap;		/* a power of 2 */
};

static size_t
namehash(const char *s)
{
	size_t h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* Where name is, or goes, in t. */
static size_t *
nameslot(const struct nametab *t, const struct dumpdates *dd,
    const char *name)
{
	size_t i = namehash(name) & (t->cap - 1);

	while (t->slot[i] != 0 && strcmp(dd->ent[t->slot[i] - 1].name,
	    name) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

/* Room for one more name in t: twice the slots once half are taken. */
static int
growtab(struct nametab *t, const struct dumpdates *dd)
{
	struct nametab n;
	size_t i;

	if (t->cap > 0 && dd->n < t->cap / 2)
		return 0;
	n.cap = t->cap == 0 ? 64 : t->cap * 2;
	if ((n.slot = calloc(n.cap, sizeof(*n.slot))) == NULL)
		return -1;
	for (i = 0; i < dd->n; i++)
		*nameslot(&n, dd, dd->ent[i].name) = i + 1;
	free(t->slot);
	*t = n;
	return 0;
}

/* Keeps e if it is the first line of the newest date of its name. */
static int
keeplast(struct dumpdates *dd, struct nametab *t, const struct ddent *e)
{
	size_t *at;
	char *copy;

	if (growtab(t, dd) != 0)
		return -1;
	at = nameslot(t, dd, e->name);
	if (*at != 0) {
		if (e->date > dd->ent[*at - 1].date) {
			dd->ent[*at - 1].level = e->level;
			dd->ent[*at - 1].date = e->date;
		}
		return 0;
	}
	if ((copy = strdup(e->name)) == NULL ||
	    push(dd, copy, e->level, e->date) != 0) {
		free(copy);
		return -1;
	}
	*at = dd->n;
	return 0;
}

/*
 * The newest line of each name in path (the first, of lines as new),
 * one an entry in the order the names first appear, every line checked
 * as dd_read() checks it: the memory taken grows with the names, not
 * with the lines.
 */
int
dd_readlast(struct dumpdates *dd, const char *path)
{
	struct nametab t = { NULL, 0 };
	char buf[DD_LINEMAX];
	struct ddent e;
	unsigned long ln = 0;
	FILE *fp;
	int r = DD_OK, got;

	if ((r = openread(dd, path, &fp)) != DD_OK)
		return r;
	while (r == DD_OK && (got = readline(fp, buf, sizeof(buf))) != L_EOF) {
		ln++;
		if ((r = linestatus(got, path, ln)) != DD_OK)
			break;
		if (parseline(buf, &e, path, ln) != 0)
			r = DD_BADFMT;
		else if (keeplast(dd, &t, &e) != 0) {
			warnmsg("%s:", path);
			r = DD_IOERR;
		}
	}
	fclose(fp);
	free(t.slot);
	if (r != DD_OK)
		dd_free(dd);
	return r;
}

void
dd_free(struct dumpdates *dd)
{
	size_t i;

	for (i = 0; i < dd->n; i++)
		free(dd->ent[i].name);
	free(dd->ent);
	dd->ent = NULL;
	dd->n = dd->cap = 0;
}

/*
 * The dump an incremental dump at level starts from: the newest of the
 * dumps of name at a lower level, or NULL (the epoch) if there is none.
 */
const struct ddent *
dd_lookup(const struct dumpdates *dd, const char *name, int level)
{
	const struct ddent *best = NULL;
	size_t i;

	for (i = 0; i < dd->n; i++) {
		if (dd->ent[i].level < level &&
		    (best == NULL || dd->ent[i].date > best->date) &&
		    strcmp(dd->ent[i].name, name) == 0)
			best = &dd->ent[i];
	}
	return best;
}

/* Replaces the date of the first line for name and level, or appends. */
int
dd_set(struct dumpdates *dd, const char *name, int level, time_t date)
{
	char *copy;
	size_t i;

	for (i = 0; i < dd->n; i++) {
		if (dd->ent[i].level == level &&
		    strcmp(dd->ent[i].name, name) == 0) {
			dd->ent[i].date = date;
			return 0;
		}
	}
	if ((copy = strdup(name)) == NULL)
		return -1;
	if (push(dd, copy, level, date) != 0) {
		free(copy);
		return -1;
	}
	return 0;
}
