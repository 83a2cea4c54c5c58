#ifdef __linux__
#define _GNU_SOURCE	/* O_DIRECT */
#endif
#include "feature.h"	/* O_DIRECT on FreeBSD, NetBSD and DragonFly */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xio.h"

/*
 * read(2) (off < 0) or pread(2) from off until n bytes are in.  Returns
 * n, or fewer at end of file, or -1 with errno set.
 */
static ssize_t
readloop(int fd, void *buf, size_t n, off_t off)
{
	char *p = buf;
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = off < 0 ? read(fd, p + done, n - done) :
		    pread(fd, p + done, n - done, off + (off_t)done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

ssize_t
readfull(int fd, void *buf, size_t n)
{
	return readloop(fd, buf, n, -1);
}

ssize_t
preadfull(int fd, void *buf, size_t n, off_t off)
{
	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	return readloop(fd, buf, n, off);
}

/* Returns 0, or -1 with errno set; a write of 0 bytes counts as ENOSPC. */
int
writefull(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = write(fd, p, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * If fd is a pipe, ask for a buffer of a megabyte: a pipeline of dump's
 * stages then changes hands every megabyte instead of every 64 KB.
 * Linux has F_SETPIPE_SZ (fcntl.h hides it without _GNU_SOURCE, so it
 * is named here by its number); elsewhere, and if the system says no,
 * the pipe stays as it is.  Only on Linux: a C library that names it
 * elsewhere (musl does, whatever the system) names a call the system
 * would not have, and a build made as on a BSD (t/tools/bsdflags) must
 * keep the 64 KiB pipes a BSD has.
 */
#if defined(__linux__) && !defined(F_SETPIPE_SZ)
#define F_SETPIPE_SZ	1031
#endif

void
bigpipe(int fd)
{
#ifdef __linux__
	struct stat sb;

	if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
	(void)fd;
#endif
}

/*
 * Read n bytes at off with reads of whole units at offsets that are
 * multiples of unit (a power of two, at most XIO_UNITMAX), as raw disk
 * devices demand.  Whole units go straight into buf; a unit only partly
 * wanted, at either end, goes through a bounce buffer.  Returns n, fewer
 * at end of file, or -1 with errno set.
 */
ssize_t
preadunits(int fd, void *buf, size_t n, off_t off, size_t unit)
{
	static unsigned char bounce[XIO_UNITMAX];
	unsigned char *p = buf;
	size_t head = (size_t)(off % (off_t)unit), body, take, avail, done = 0;
	ssize_t got;

	if (head == 0 && n % unit == 0)
		return preadfull(fd, buf, n, off);
	if (head != 0) {
		got = preadfull(fd, bounce, unit, off - (off_t)head);
		if (got < 0)
			return -1;
		avail = (size_t)got > head ? (size_t)got - head : 0;
		take = unit - head < n ? unit - head : n;
		if (avail < take) {
			memcpy(p, bounce + head, avail);
			return (ssize_t)avail;
		}
		memcpy(p, bounce + head, take);
		done = take;
	}
	body = (n - done) - (n - done) % unit;
	if (body > 0) {
		got = preadfull(fd, p + done, body, off + (off_t)done);
		if (got < 0)
			return -1;
		done += (size_t)got;
		if ((size_t)got < body)
			return (ssize_t)done;
	}
	if (done < n) {
		got = preadfull(fd, bounce, unit, off + (off_t)done);
		if (got < 0)
			return -1;
		take = n - done < (size_t)got ? n - done : (size_t)got;
		memcpy(p + done, bounce, take);
		done += take;
	}
	return (ssize_t)done;
}

/*
 * Salvage reads: one sector at a time through a descriptor that bypasses
 * the buffer cache where the system allows it (O_DIRECT, with an aligned
 * buffer), so that a bad sector fails alone instead of taking the cached
 * page or readahead window around it down too.  Elsewhere the cached
 * range is dropped before each read, best effort.  The sector starts at
 * XIO_SECTOR and doubles, up to max, each time the device refuses a read
 * as invalid (a 4096-byte-sector disk).
 */
int
sectorio_open(struct sectorio *sio, const char *path, size_t max)
{
	void *mem;

	memset(sio, 0, sizeof(*sio));
	sio->fd = -1;
	sio->sector = XIO_SECTOR;
	sio->max = max < XIO_SECTOR ? XIO_SECTOR : max;
	if (posix_memalign(&mem, XIO_ALIGN, sio->max) != 0)
		return -1;
	sio->buf = mem;
#ifdef O_DIRECT
	sio->fd = open(path, O_RDONLY | O_DIRECT);
	sio->direct = sio->fd >= 0;
#endif
	if (sio->fd < 0)
		sio->fd = open(path, O_RDONLY);
	if (sio->fd < 0) {
		free(sio->buf);
		sio->buf = NULL;
		return -1;
	}
#ifdef POSIX_FADV_RANDOM
	if (!sio->direct)
		(void)posix_fadvise(sio->fd, 0, 0, POSIX_FADV_RANDOM);
#endif
	return 0;
}

void
sectorio_close(struct sectorio *sio)
{
	if (sio->fd >= 0)
		close(sio->fd);
	free(sio->buf);
	sio->fd = -1;
	sio->buf = NULL;
}

/*
 * Has the bad stretch at byte at been reported already?  Remembers it
 * if not, so that a structure read again (a directory in two passes)
 * is reported once; past XIO_SEEN stretches, it says no.
 */
int
sectorio_seen(struct sectorio *sio, off_t at)
{
	unsigned i;

	if (sio == NULL)
		return 0;
	for (i = 0; i < sio->nseen; i++)
		if (sio->seen[i] == at)
			return 1;
	if (sio->nseen < XIO_SEEN)
		sio->seen[sio->nseen++] = at;
	return 0;
}

/* Without O_DIRECT: open the path again plainly, keeping the sector. */
static int
sectorio_plain(struct sectorio *sio, const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	close(sio->fd);
	sio->fd = fd;
	sio->direct = 0;
	return 0;
}

/*
 * Read the sector at off (a multiple of sio->sector) into dst.  Returns
 * the bytes read (sio->sector, fewer at the end of the device, 0 past
 * it) or -1 with errno set.  path is for reopening without O_DIRECT when
 * the file system under an image refuses it at read time.
 */
ssize_t
sectorio_read(struct sectorio *sio, const char *path, void *dst, off_t off)
{
	ssize_t got;

	for (;;) {
		if (off % (off_t)sio->sector != 0) {
			errno = EINVAL;
			return -1;
		}
#ifdef POSIX_FADV_DONTNEED
		if (!sio->direct)
			(void)posix_fadvise(sio->fd, off, (off_t)sio->sector,
			    POSIX_FADV_DONTNEED);
#endif
		got = pread(sio->fd, sio->buf, sio->sector, off);
		if (got >= 0) {
			memcpy(dst, sio->buf, (size_t)got);
			return got;
		}
		if (errno == EINTR)
			continue;
		if (errno != EINVAL)
			return -1;
		if (sio->sector < sio->max && off % (off_t)(2 * sio->sector) == 0)
			sio->sector *= 2;
		else if (sio->direct && sectorio_plain(sio, path) == 0)
			sio->sector = XIO_SECTOR;
		else
			return -1;
	}
}

/* A stretch of bad sectors that failed alike, not yet reported. */
struct badrun {
	off_t		at;
	size_t		len;
	unsigned long	n;
	int		err;
};

static void
badflush(struct badrun *r, badsector_fn bad, void *arg)
{
	if (r->n > 0)
		bad(arg, r->at, r->len, r->n, r->err);
	r->n = 0;
}

/* Add [at, at + len) of a sector that failed with err to the stretch. */
static void
badadd(struct badrun *r, off_t at, size_t len, int err, badsector_fn bad,
    void *arg)
{
	if (r->n > 0 && err != r->err)
		badflush(r, bad, arg);
	if (r->n++ == 0) {
		r->at = at;
		r->len = 0;
		r->err = err;
	}
	r->len += len;
}

/*
 * Read [off, off + len) into buf sector by sector through sio (or fd,
 * 512 bytes at a time, when sio is NULL).  The part of the range in a
 * sector that cannot be read becomes zeros in buf.  Each stretch of
 * such sectors that fail alike is one call of bad with its byte offset
 * on the device, its length, its number of sectors and errno (0: past
 * the end of the device).  Returns the number of bad sectors.
 */
unsigned long
sectorio_salvage(struct sectorio *sio, int fd, const char *path,
    unsigned char *buf, size_t len, off_t off, badsector_fn bad, void *arg)
{
	static unsigned char tmp[XIO_UNITMAX];
	struct badrun run = { 0, 0, 0, 0 };
	off_t cur, end = off + (off_t)len, s, to;
	size_t sec;
	ssize_t got;
	unsigned long nbad = 0;

	for (cur = off; cur < end; cur = to) {
		sec = sio != NULL ? sio->sector : XIO_SECTOR;
		s = cur - cur % (off_t)sec;
		if (sio != NULL) {
			got = sectorio_read(sio, path, tmp, s);
			sec = sio->sector;	/* it may have grown */
			s = cur - cur % (off_t)sec;
		} else {
			got = preadfull(fd, tmp, sec, s);
		}
		to = s + (off_t)sec < end ? s + (off_t)sec : end;
		if (got >= to - s) {
			badflush(&run, bad, arg);
			memcpy(buf + (cur - off), tmp + (cur - s),
			    (size_t)(to - cur));
			continue;
		}
		memset(buf + (cur - off), 0, (size_t)(to - cur));
		badadd(&run, cur, (size_t)(to - cur), got < 0 ? errno : 0, bad,
		    arg);
		nbad++;
	}
	badflush(&run, bad, arg);
	return nbad;
}
