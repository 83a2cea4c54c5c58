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
#define MAXLINKS	32	/* symbolic links followed to the file */

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
	r = readlines(dd, fp, path);
	fclose(fp);
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

static int
writelines(FILE *fp, const struct dumpdates *dd)
{
	char date[DD_DATELEN];
	size_t i;

	for (i = 0; i < dd->n; i++) {
		if (dd_fmtdate(date, sizeof(date), dd->ent[i].date) != 0) {
			errno = EOVERFLOW;
			return -1;
		}
		if (fprintf(fp, "%-16s %d %s\n", dd->ent[i].name,
		    dd->ent[i].level, date) < 0)
			return -1;
	}
	return 0;
}

/* Reports trouble with the temporary file and removes it. */
static int
tmpfail(const char *tmp)
{
	warnmsg("%s:", tmp);
	unlink(tmp);
	return -1;
}

/*
 * Writes dd to tmp, a fresh file with the owner (when allowed) and mode
 * of the file it will replace, and syncs it to the disk.
 */
static int
writetmp(const char *tmp, const struct dumpdates *dd, const struct stat *old)
{
	FILE *fp;
	int fd;

	if ((unlink(tmp) != 0 && errno != ENOENT) ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
		warnmsg("%s:", tmp);
		return -1;
	}
	if (old != NULL && fchown(fd, old->st_uid, old->st_gid) != 0) {
		/* Not root: the file becomes ours, as a new one would. */
	}
	if (fchmod(fd, old != NULL ? old->st_mode & 07777 : 0644) != 0 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		tmpfail(tmp);
		close(fd);
		return -1;
	}
	if (writelines(fp, dd) != 0 || fflush(fp) != 0 || fsync(fd) != 0) {
		tmpfail(tmp);
		fclose(fp);
		return -1;
	}
	if (fclose(fp) != 0)
		return tmpfail(tmp);
	return 0;
}

/* The first n bytes of a followed by b, allocated. */
static char *
concat(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b);
	char *s;

	if ((s = malloc(n + m + 1)) == NULL)
		return NULL;
	memcpy(s, a, n);
	memcpy(s + n, b, m + 1);
	return s;
}

static char *
sibling(const char *path, const char *suffix)
{
	return concat(path, strlen(path), suffix);
}

/*
 * The file to work on, allocated: symbolic links are followed, so that
 * an update replaces the target and not the link (by hand: realpath(3)
 * is XSI).  Anything that is not a link ends the walk; open(2) will
 * report it if it matters.
 */
static char *
resolve(const char *path)
{
	char link[4096], *cur, *next, *slash;
	ssize_t n;
	int hops;

	if ((cur = sibling(path, "")) == NULL)
		return NULL;
	for (hops = 0; hops < MAXLINKS; hops++) {
		if ((n = readlink(cur, link, sizeof(link))) < 0)
			return cur;
		if ((size_t)n == sizeof(link)) {
			errno = ENAMETOOLONG;
			break;
		}
		link[n] = '\0';
		slash = strrchr(cur, '/');
		if (link[0] == '/' || slash == NULL)
			next = sibling(link, "");
		else
			next = concat(cur, (size_t)(slash - cur) + 1, link);
		free(cur);
		if ((cur = next) == NULL)
			return NULL;
	}
	if (hops == MAXLINKS)
		errno = ELOOP;
	free(cur);
	return NULL;
}

/* Makes the rename of a file in the directory of path durable. */
static int
syncdir(const char *path)
{
	char *dir, *slash;
	int fd, r = 0;

	if ((dir = sibling(path, "")) == NULL) {
		warnmsg("%s:", path);
		return -1;
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else
		slash[slash == dir] = '\0';
	/* Some systems cannot sync a directory (EINVAL): nothing to do. */
	if ((fd = open(dir, O_RDONLY)) < 0 ||
	    (fsync(fd) != 0 && errno != EINVAL)) {
		warnmsg("%s: sync:", dir);
		r = -1;
	}
	if (fd >= 0)
		close(fd);
	free(dir);
	return r;
}

/* Opens lockpath, creating it, and waits for a write lock on it. */
static int
lockfile(const char *lockpath)
{
	struct flock fl;
	int fd;

	if ((fd = open(lockpath, O_RDWR | O_CREAT, 0644)) < 0) {
		warnmsg("%s:", lockpath);
		return -1;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) != 0) {
		if (errno != EINTR) {
			warnmsg("%s: lock:", lockpath);
			close(fd);
			return -1;
		}
	}
	return fd;
}

/*
 * Under the lock: re-reads path, which may have changed since the caller
 * last read it, sets the line, and replaces the file by way of tmp.
 */
static int
replace(const char *path, const char *tmp, const char *name, int level,
    time_t date)
{
	struct dumpdates dd;
	struct stat st, *old = NULL;
	int r;

	if ((r = dd_read(&dd, path)) < 0)
		return r;
	if (r == DD_OK) {
		if (stat(path, &st) != 0) {
			warnmsg("%s:", path);
			dd_free(&dd);
			return DD_IOERR;
		}
		old = &st;
	}
	r = DD_IOERR;
	if (dd_set(&dd, name, level, date) != 0)
		warnmsg("%s:", path);
	else if (writetmp(tmp, &dd, old) == 0) {
		if (rename(tmp, path) != 0) {
			warnmsg("%s: rename to %s:", tmp, path);
			unlink(tmp);
		} else if (syncdir(path) == 0)
			r = DD_OK;
	}
	dd_free(&dd);
	return r;
}

/*
 * Records a dump of name at level dated date in the dumpdates file at
 * path, which is created if missing.  The new contents are written to
 * "<path>.tmp", synced, and renamed over path, so that a crash at any
 * point leaves either the old file or the new one, both whole; readers
 * need no lock.
 *
 * The rename gives path a new inode with every update, so a lock on the
 * file itself would let a waiter wake up holding a lock on a file that
 * is no longer in the directory, and write over its predecessor's line.
 * Re-checking the inode after locking would cure that, but it needs a
 * file to lock before the first update, and creating an empty one would
 * leave a file that a crash could strand where there was none.  So all
 * updates take an fcntl write lock on "<path>.lock" instead, a file of
 * its own, created when missing and never removed, whose inode never
 * changes.  The lock covers the re-reading of path, the temporary file
 * (whose fixed name only the holder uses, so an update killed half way
 * leaves at most that one file, which the next update replaces) and the
 * rename.
 */
int
dd_update(const char *path, const char *name, int level, time_t date)
{
	char *real, *lockpath = NULL, *tmp = NULL;
	int fd, r = DD_IOERR;

	if (!dd_okname(name)) {
		warnmsg("%s: \"%s\" cannot be a name in it", path, name);
		return DD_IOERR;
	}
	if ((real = resolve(path)) == NULL ||
	    (lockpath = sibling(real, ".lock")) == NULL ||
	    (tmp = sibling(real, ".tmp")) == NULL)
		warnmsg("%s:", path);
	else if ((fd = lockfile(lockpath)) >= 0) {
		r = replace(real, tmp, name, level, date);
		close(fd);	/* and with it the lock */
	}
	free(real);
	free(lockpath);
	free(tmp);
	return r;
}
