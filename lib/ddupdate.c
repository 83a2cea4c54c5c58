/*
 * The writing side of /etc/dumpdates: dd_update() records a finished
 * dump under a lock on the file itself, as the BSD dumps lock it.
 *
 * Where the directory is writable, the new contents go to "<file>.tmp",
 * are synced and renamed over the file: a crash leaves the old file or
 * the new one.  Where only the file is writable (on the BSDs /etc is
 * root's, /etc/dumpdates group operator's), the file is changed in
 * place by writes that each stay inside one page, so that no kill can
 * cut one short (Linux stops a write for SIGKILL only between pages):
 * the line of the device and level is overwritten by the new one, of
 * the same length, or, when none fits, the new line is appended.  Every
 * state between the writes is a file that every reader accepts, with
 * either the old entry or the new one.
 */
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
#include "xio.h"

#define MAXLINKS	32	/* symbolic links followed to the file */
#define PAGE		4096	/* no write crosses a multiple of this */
#define FILEMAX		(64L << 20)	/* bytes of a dumpdates file read */
#define FIXED		(3 + DD_DATELEN - 1)	/* " 0 " and the date */

/*
 * A read lock for a reader of the file at fd, so that it never sees an
 * update in place half done; 0, or -1 with errno set.
 */
int
dd_lockread(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* The file's bytes, read under the lock. */
struct ddbuf {
	char	*b;
	size_t	 n;
};

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
 * Writes dd to tmp, already created as fd, with the owner (when allowed)
 * and mode of the file it will replace, and syncs it to the disk.
 */
static int
writetmp(int fd, const char *tmp, const struct dumpdates *dd,
    const struct stat *old)
{
	FILE *fp;

	if (fchown(fd, old->st_uid, old->st_gid) != 0) {
		/* Not root: the file becomes ours, as a new one would. */
	}
	if (fchmod(fd, old->st_mode & 07777) != 0 ||
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

/*
 * Opens path (creating it empty when missing: an empty file is a list of
 * no dumps, which every reader takes) and waits for an fcntl(2) write
 * lock on it.  An update by rename gives path a new inode, so a waiter
 * that wakes up holding the old one tries again.
 */
static int
lockself(const char *path)
{
	struct flock fl;
	struct stat a, b;
	int fd;

	for (;;) {
		if ((fd = open(path, O_RDWR)) < 0 && errno == ENOENT &&
		    (fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644)) >= 0 &&
		    fchmod(fd, 0644) != 0) {
			close(fd);
			fd = -1;
		}
		if (fd < 0 && errno == EEXIST)
			continue;	/* made by another update meanwhile */
		if (fd < 0) {
			warnmsg("%s:", path);
			return -1;
		}
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		while (fcntl(fd, F_SETLKW, &fl) != 0) {
			if (errno != EINTR) {
				warnmsg("%s: lock:", path);
				close(fd);
				return -1;
			}
		}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
}

/* The whole file from fd, at most FILEMAX bytes. */
static int
readall(int fd, const char *path, struct ddbuf *buf)
{
	struct stat st;
	ssize_t n;

	buf->b = NULL;
	buf->n = 0;
	if (fstat(fd, &st) != 0) {
		warnmsg("%s:", path);
		return -1;
	}
	if (st.st_size > FILEMAX) {
		warnmsg("%s: larger than %ld bytes", path, FILEMAX);
		return -1;
	}
	if ((buf->b = malloc((size_t)st.st_size + 1)) == NULL ||
	    (n = preadfull(fd, buf->b, (size_t)st.st_size, 0)) < 0) {
		warnmsg("%s:", path);
		free(buf->b);
		buf->b = NULL;
		return -1;
	}
	buf->n = (size_t)n;
	return 0;
}

/* The line for name and level as this writer lays it out, no newline. */
static int
fmtline(char *line, size_t size, int width, const char *name, int level,
    time_t date)
{
	char d[DD_DATELEN];
	int n;

	if (dd_fmtdate(d, sizeof(d), date) != 0) {
		errno = EOVERFLOW;
		return -1;
	}
	n = snprintf(line, size, "%-*s %d %s", width, name, level, d);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* Does the line at s (len bytes) start with the fields name and level? */
static int
isentry(const char *s, size_t len, const char *name, int level)
{
	size_t i = 0, k = strlen(name);

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i <= k || memcmp(s + i, name, k) != 0 ||
	    (s[i + k] != ' ' && s[i + k] != '\t'))
		return 0;
	for (i += k; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		continue;
	return i + 1 < len && s[i] == '0' + level &&
	    (s[i + 1] == ' ' || s[i + 1] == '\t');
}

static int
putbytes(int fd, const char *path, const char *b, size_t n, off_t off)
{
	ssize_t w = pwrite(fd, b, n, off);

	if (w == (ssize_t)n)
		return 0;
	if (w >= 0)
		errno = EIO;
	warnmsg("%s: write at byte %lld:", path, (long long)off);
	return -1;
}

/*
 * Overwrites a line of name and level that the new line fits, padded
 * with blanks after the name, and that lies within one page.  1 done,
 * 0 no such line, -1 an error.
 */
static int
overwrite(int fd, const char *path, const struct ddbuf *buf,
    const char *name, int level, time_t date)
{
	char line[DD_LINEMAX];
	size_t at, end, len;
	int n;

	for (at = 0; at < buf->n; at = end + 1) {
		end = at;
		while (end < buf->n && buf->b[end] != '\n')
			end++;
		len = end - at;
		if (!isentry(buf->b + at, len, name, level) ||
		    at / PAGE != (end - (end > at)) / PAGE)
			continue;
		if (len < strlen(name) + FIXED || len >= sizeof(line))
			continue;
		n = fmtline(line, sizeof(line), (int)(len - FIXED), name,
		    level, date);
		if (n < 0 || (size_t)n != len)
			continue;
		return putbytes(fd, path, line, len, (off_t)at) == 0 ? 1 : -1;
	}
	return 0;
}

/*
 * Appends the new line.  When it would cross a page boundary, the last
 * line is first stretched with blanks after its date to end just before
 * the boundary (one write within that page), so that the new line, in
 * its own write, starts a page.
 */
static int
append(int fd, const char *path, const struct ddbuf *buf, const char *name,
    int level, time_t date)
{
	char line[DD_LINEMAX + 1], pad[PAGE];
	size_t e = buf->n, lead, from, n;
	int k;

	lead = e > 0 && buf->b[e - 1] != '\n';	/* end the last line */
	line[0] = '\n';
	if ((k = fmtline(line + lead, sizeof(line) - lead - 1, 16, name,
	    level, date)) < 0) {
		warnmsg("%s: the line for %s cannot be formed:", path, name);
		return -1;
	}
	n = lead + (size_t)k;
	line[n++] = '\n';
	if (e / PAGE != (e + n - 1) / PAGE) {
		from = e - !lead;	/* over the last newline */
		memset(pad, ' ', sizeof(pad));
		pad[PAGE - from % PAGE - 1] = '\n';
		if (putbytes(fd, path, pad, PAGE - from % PAGE,
		    (off_t)from) != 0)
			return -1;
		e = from + (PAGE - from % PAGE);
		memmove(line, line + lead, n - lead);
		n -= lead;
	}
	return putbytes(fd, path, line, n, (off_t)e);
}

/* The update in place, for a directory that cannot take a new file. */
static int
inplace(int fd, const char *path, const char *name, int level, time_t date)
{
	struct ddbuf buf;
	int r;

	if (readall(fd, path, &buf) != 0)
		return DD_IOERR;
	if ((r = overwrite(fd, path, &buf, name, level, date)) == 0)
		r = append(fd, path, &buf, name, level, date) == 0 ? 1 : -1;
	free(buf.b);
	if (r < 0)
		return DD_IOERR;
	if (fsync(fd) != 0) {
		warnmsg("%s: sync:", path);
		return DD_IOERR;
	}
	return DD_OK;
}

/*
 * The entries of the file, read through fd, which holds the lock: an
 * fcntl(2) lock goes when the process closes any descriptor of the
 * file, so the file is not opened again (the bytes are parsed from
 * memory).
 */
static int
readlocked(int fd, const char *path, struct dumpdates *dd)
{
	struct ddbuf buf;
	FILE *fp;
	int r;

	dd->ent = NULL;
	dd->n = dd->cap = 0;
	if (readall(fd, path, &buf) != 0)
		return DD_IOERR;
	if (buf.n == 0) {
		free(buf.b);
		return DD_OK;
	}
	if ((fp = fmemopen(buf.b, buf.n, "r")) == NULL) {
		warnmsg("%s:", path);
		free(buf.b);
		return DD_IOERR;
	}
	r = dd_readfp(dd, fp, path);
	fclose(fp);
	free(buf.b);
	return r;
}

/* The new contents into tmp, then renamed over path. */
static int
byrename(int tfd, const char *path, const char *tmp, struct dumpdates *dd,
    const struct stat *old)
{
	if (writetmp(tfd, tmp, dd, old) != 0)
		return DD_IOERR;
	if (rename(tmp, path) != 0) {
		warnmsg("%s: rename to %s:", tmp, path);
		unlink(tmp);
		return DD_IOERR;
	}
	return syncdir(path) == 0 ? DD_OK : DD_IOERR;
}

/*
 * Under the lock: re-reads path, which may have changed since the caller
 * last read it, and records the dump, by a new file renamed over it when
 * the directory lets tmp be made, in place otherwise.
 */
static int
replace(int fd, const char *path, const char *tmp, const char *name,
    int level, time_t date)
{
	struct dumpdates dd;
	struct stat st;
	int r, tfd;

	if ((r = readlocked(fd, path, &dd)) < 0)
		return r;
	if (fstat(fd, &st) != 0) {
		warnmsg("%s:", path);
		dd_free(&dd);
		return DD_IOERR;
	}
	if (dd_set(&dd, name, level, date) != 0) {
		warnmsg("%s:", path);
		dd_free(&dd);
		return DD_IOERR;
	}
	if ((unlink(tmp) != 0 && errno != ENOENT &&
	    errno != EACCES && errno != EPERM) ||
	    ((tfd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 &&
	    errno != EACCES && errno != EPERM)) {
		warnmsg("%s:", tmp);
		dd_free(&dd);
		return DD_IOERR;
	}
	if (tfd >= 0)
		r = byrename(tfd, path, tmp, &dd, &st);
	else
		r = inplace(fd, path, name, level, date);
	dd_free(&dd);
	return r;
}

/*
 * Records a dump of name at level dated date in the dumpdates file at
 * path, which is created if missing.  The lock is an fcntl(2) write
 * lock on the file itself; the temporary file "<path>.tmp" is used only
 * by the holder, so an update killed half way leaves at most that one
 * file, which the next update replaces.
 */
int
dd_update(const char *path, const char *name, int level, time_t date)
{
	char *real, *tmp = NULL;
	int fd, r = DD_IOERR;

	if (!dd_okname(name)) {
		warnmsg("%s: \"%s\" cannot be a name in it", path, name);
		return DD_IOERR;
	}
	if ((real = resolve(path)) == NULL ||
	    (tmp = sibling(real, ".tmp")) == NULL)
		warnmsg("%s:", path);
	else if ((fd = lockself(real)) >= 0) {
		r = replace(fd, real, tmp, name, level, date);
		close(fd);	/* and with it the lock */
	}
	free(real);
	free(tmp);
	return r;
}
