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
	int i;

	for (i = 0; i < n; i++) {
		if (strncmp(*sp, table + 3 * i, 3) == 0) {
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
	size_t n = strspn(*sp, BLANKS);

	*sp += n;
	return n > 0 ? 0 : -1;
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

/*
 * A ctime(3) date, local time unless an offset follows, from the epoch
 * to DD_TMAX; 0 or -1.  The weekday is not checked against the date,
 * as strptime(3) does not check it either.
 */
int
dd_parsedate(const char *s, time_t *t)
{
	struct cdate d;
	struct tm tm;
	long long v;

	if (scandate(s, &d) != 0)
		return -1;
	if (d.utc) {
		v = daynum(d.year, d.mon, d.mday) * 86400 + d.hour * 3600LL +
		    d.min * 60LL + d.sec - d.off;
	} else {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = d.year - 1900;
		tm.tm_mon = d.mon;
		tm.tm_mday = d.mday;
		tm.tm_hour = d.hour;
		tm.tm_min = d.min;
		tm.tm_sec = d.sec;
		tm.tm_isdst = -1;
		v = (long long)mktime(&tm);	/* -1 on error, refused below */
	}
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

	while ((c = getc(fp)) != EOF && c != '\n') {
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
 * padding of every dump.  e->name points into s.
 */
static int
parseline(char *s, struct ddent *e, const char *path, unsigned long ln)
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
	if (dd_parsedate(s, &e->date) != 0) {
		warnmsg("%s: line %lu: date \"%s\" is not a ctime(3) date "
		    "from 1970 to 9999", path, ln, s);
		return -1;
	}
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

static int
readlines(struct dumpdates *dd, FILE *fp, const char *path)
{
	char buf[DD_LINEMAX], *name;
	struct ddent e;
	unsigned long ln = 0;
	int r;

	while ((r = readline(fp, buf, sizeof(buf))) != L_EOF) {
		ln++;
		if (r == L_ERROR) {
			warnmsg("%s:", path);
			return DD_IOERR;
		}
		if (r == L_LONG) {
			warnmsg("%s: line %lu: longer than %d bytes", path, ln,
			    DD_LINEMAX - 1);
			return DD_BADFMT;
		}
		if (r == L_NUL) {
			warnmsg("%s: line %lu: holds a NUL byte", path, ln);
			return DD_BADFMT;
		}
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

/* The whole file, checked; a missing file is DD_NOFILE and no lines. */
int
dd_read(struct dumpdates *dd, const char *path)
{
	FILE *fp;
	int r;

	dd->ent = NULL;
	dd->n = dd->cap = 0;
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return DD_NOFILE;
		warnmsg("%s:", path);
		return DD_IOERR;
	}
	/* A lock shared with other readers keeps an update in place out;
	 * where there are no locks (NFS without lockd), read anyway. */
	if (dd_lockread(fileno(fp)) != 0) {
		/* nothing to wait for */
	}
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
