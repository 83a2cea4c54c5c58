/*
 * dblkread's output buffers.  The dump stream is built in place in a
 * buffer (the device's data is read straight into it) and sent with
 * write(2).  On Linux, when told that the reader of the pipe copies what
 * it reads (-S, which dump(8) gives when dtapewr reads the pipe), the
 * buffer's pages are handed to the pipe with vmsplice(2) instead: the
 * kernel then neither allocates pipe pages nor copies into them, which
 * is most of what a pipe hop costs.
 *
 * The danger, and why this is safe: vmsplice without SPLICE_F_GIFT puts
 * references to our own pages in the pipe, not copies.  Until the reader
 * has consumed them, writing into those pages (the next pread into the
 * buffer) changes what the reader gets: a silently corrupt dump.  And a
 * reader that moves them on with splice(2) or tee(2) (pv does) keeps
 * them referenced for as long as the next pipe holds them, which nothing
 * here can see.  So:
 *
 *  - pages are handed over only when the caller says the reader copies
 *    (read(2)s) them; otherwise, and where the output is not a pipe or
 *    the system has no vmsplice, every buffer goes out with write(2);
 *  - stretches the caller names (obuf_copy: the long runs of data that
 *    dtapewr -Z moves on unread) are always written, never lent;
 *  - buffers rotate, and one is filled again only once the bytes sent
 *    after its last byte are at least the pipe's size (F_GETPIPE_SZ, the
 *    largest seen, asked before every send and every reuse).  A pipe
 *    holds at most its size in bytes; each of its slots is one page, and
 *    once a slot's bytes are all read it is released.  If any byte of
 *    the old buffer were still in the pipe, every byte sent after it
 *    would be too (a pipe is read in order), so the pipe would hold more
 *    than its size: it cannot.  A reader that copies is done with a page
 *    when its slot is released;
 *  - when that cannot be shown (the pipe grew, or its size cannot be
 *    read), the buffer is not reused: its pages are unmapped, which
 *    leaves them to the pipe (it holds its own references and frees them
 *    when done), and fresh pages take their place.
 *
 * With a 1 MiB pipe and 4 MiB buffers, two buffers in rotation suffice;
 * more are made when the pipe is larger, up to OBUF_MAX.
 *
 * Deferred stretches (obuf_defer), on Linux into any pipe: the caller
 * leaves stretches of the buffer unfilled and names the device bytes
 * they are to hold; obuf_send writes the bytes around them and moves
 * theirs from the device's page cache with splice(2).  That is safe
 * whoever reads the pipe: it then holds references to page cache pages,
 * which nothing here writes into, and none to our buffers.  A spliced
 * byte counts as sent, so the rotation above stays right.  When the
 * device will not splice, the caller's read function fills the rest of
 * the stretch in the buffer, from the unit where the splice stopped, and
 * it is sent as any other bytes; a device that refuses splice(2) itself
 * (nosplice) is not asked again.
 */
#ifdef __linux__
#define _GNU_SOURCE	/* vmsplice(2), F_GETPIPE_SZ */
#endif
#include "feature.h"	/* MAP_ANON */

#include <sys/types.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/mman.h>
#include <sys/uio.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obuf.h"
#include "xio.h"

#if defined(__linux__) && defined(SPLICE_F_NONBLOCK) && \
    defined(F_GETPIPE_SZ) && defined(MAP_ANON)
#define HAVE_VMSPLICE	1
#endif

#ifdef HAVE_VMSPLICE
/* The largest size the pipe has had, now included; UINT64_MAX if unknown. */
static uint64_t
pipesize(struct obuf *ob)
{
	int n = fcntl(ob->fd, F_GETPIPE_SZ);

	if (n <= 0)
		return UINT64_MAX;
	if ((uint64_t)n > ob->pipemax)
		ob->pipemax = (uint64_t)n;
	return ob->pipemax;
}

static unsigned char *
freshpages(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANON, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Make the pipe's size known and the rotation fit it; 0, or -1. */
static int
splicesetup(struct obuf *ob)
{
	struct stat sb;
	int i;

	if (fstat(ob->fd, &sb) != 0 || !S_ISFIFO(sb.st_mode) ||
	    pipesize(ob) == UINT64_MAX)
		return -1;
	ob->nbuf = 2 + (int)(ob->pipemax / ob->size);
	if (ob->nbuf > OBUF_MAX)
		ob->nbuf = OBUF_MAX;
	for (i = 0; i < ob->nbuf; i++)
		if ((ob->buf[i] = freshpages(ob->size)) == NULL)
			break;
	if (i == ob->nbuf)
		return 0;
	while (i-- > 0) {
		munmap(ob->buf[i], ob->size);
		ob->buf[i] = NULL;
	}
	ob->nbuf = 1;
	return -1;
}

/*
 * Hand len bytes at p to the pipe.  Returns the bytes handed over; fewer
 * than len with errno set on an error.
 */
static size_t
splicebytes(int fd, unsigned char *p, size_t len)
{
	struct iovec iov;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		iov.iov_base = p + done;
		iov.iov_len = len - done;
		n = vmsplice(fd, &iov, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EPIPE;
			break;
		}
		done += (size_t)n;
	}
	return done;
}

/* Does errno say that this descriptor takes no vmsplice, not a failure? */
static int
nosplice(void)
{
	return errno == EINVAL || errno == ENOSYS || errno == EBADF ||
	    errno == EPERM || errno == EOPNOTSUPP;
}

/*
 * Move on to the next buffer of the rotation; if the pipe may still hold
 * any of its pages, give them up to the pipe and take fresh ones.
 */
static int
rotate(struct obuf *ob)
{
	unsigned char *p;

	ob->cur = (ob->cur + 1) % ob->nbuf;
	if (ob->endat[ob->cur] == 0 ||
	    ob->sent - ob->endat[ob->cur] >= pipesize(ob))
		return 0;
	if ((p = freshpages(ob->size)) == NULL)
		return -1;
	munmap(ob->buf[ob->cur], ob->size);
	ob->buf[ob->cur] = p;
	ob->endat[ob->cur] = 0;
	return 0;
}
#endif

/*
 * Buffers of size bytes for output to fd; readercopies: the reader of
 * fd is known to copy what it reads (read(2), no splice), so pages may
 * be handed to it; hofd, if not -1: the shared file of a hand-off,
 * whose buffers are then used (when it cannot be made, ob->ho.err says
 * why, and the stream goes into fd).  Returns 0, or -1 when out of
 * memory.
 */
int
obuf_open(struct obuf *ob, int fd, size_t size, int readercopies, int hofd)
{
	memset(ob, 0, sizeof(*ob));
	ob->fd = fd;
	ob->size = size;
	ob->nbuf = 1;
	ob->devfd = -1;
	if (hofd >= 0 &&
	    ho_create(&ob->ho, hofd, fd, OBUF_NHANDOFF, size) == 0) {
		ob->handoff = 1;
		return 0;
	}
#ifdef HAVE_VMSPLICE
	if (readercopies && splicesetup(ob) == 0) {
		ob->splice = 1;
		return 0;
	}
#else
	(void)readercopies;
#endif
	ob->buf[0] = malloc(size);
	return ob->buf[0] != NULL ? 0 : -1;
}

/* The buffer to fill. */
unsigned char *
obuf_cur(const struct obuf *ob)
{
	return ob->handoff ? ho_buffer(&ob->ho) : ob->buf[ob->cur];
}

/* Send len bytes at p: handed to the pipe, or written.  0, or -1. */
static int
lendbytes(struct obuf *ob, unsigned char *p, size_t len)
{
	size_t done = 0;

#ifdef HAVE_VMSPLICE
	if (ob->splice) {
		(void)pipesize(ob);
		done = splicebytes(ob->fd, p, len);
		ob->sent += done;
		if (done < len && !nosplice())
			return -1;
		if (done < len)
			ob->splice = 0;	/* write the rest, and from now on */
	}
#endif
	if (done < len && writefull(ob->fd, p + done, len - done) != 0)
		return -1;
	ob->sent += len - done;
	return 0;
}

/* Send len bytes at p: written.  0, or -1. */
static int
copybytes(struct obuf *ob, unsigned char *p, size_t len)
{
	if (writefull(ob->fd, p, len) != 0)
		return -1;
	ob->sent += len;
	return 0;
}

/*
 * Send len bytes at p, in the current buffer: handed to the pipe, but
 * for the stretches to copy, which are written.  0, or -1.
 */
static int
sendbytes(struct obuf *ob, unsigned char *p, size_t len)
{
	unsigned char *base = ob->buf[ob->cur];
	size_t at = (size_t)(p - base), end = at + len, upto;
	int i;

	if (!ob->splice)
		return lendbytes(ob, p, len);
	if (ob->copyall)
		return copybytes(ob, p, len);
	for (i = 0; i < ob->ncopy && at < end; i++) {
		const struct obuf_span *c = &ob->copy[i];

		if (c->at + c->len <= at)
			continue;
		if (c->at >= end)
			break;
		if (c->at > at) {
			if (lendbytes(ob, base + at, c->at - at) != 0)
				return -1;
			at = c->at;
		}
		upto = c->at + c->len < end ? c->at + c->len : end;
		if (copybytes(ob, base + at, upto - at) != 0)
			return -1;
		at = upto;
	}
	return at < end ? lendbytes(ob, base + at, end - at) : 0;
}

#ifdef HAVE_VMSPLICE
/*
 * Send the deferred stretch d of buffer p: moved from the device's
 * cache into the pipe.  Where the device will not (an error, a device
 * that takes no splice), the rest is read into its place in the buffer
 * the caller's way, from the unit where the splice stopped, and sent
 * from there; an output error then shows in that send.  0, or -1.
 */
static int
senddeferred(struct obuf *ob, unsigned char *p, const struct obuf_defer *d)
{
	off_t off = d->off;
	size_t done = 0, from;
	ssize_t n = 0;

	while (ob->devfd >= 0 && done < d->len) {
		n = splice(ob->devfd, &off, ob->fd, NULL, d->len - done,
		    SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0 && nosplice())
				ob->devfd = -1;	/* none from now on */
			break;
		}
		done += (size_t)n;
		ob->sent += (size_t)n;
	}
	if (done == d->len)
		return 0;
	from = done - done % ob->devunit;
	ob->readfn(ob->readarg, p + d->at + from, d->len - from,
	    d->off + (off_t)from, d->ino, d->fileoff + from);
	return sendbytes(ob, p + d->at + done, d->len - done);
}
#endif

/*
 * Send the first len bytes of the current buffer, its deferred
 * stretches from the device; obuf_cur() then gives the buffer to fill
 * next.  Returns 0, or -1 with errno set.
 */
int
obuf_send(struct obuf *ob, size_t len)
{
	unsigned char *p = ob->buf[ob->cur];
	size_t pos = 0;
	int i;

	if (ob->handoff)
		return ho_send(&ob->ho, len);
	for (i = 0; i < ob->ndefer; i++) {
		const struct obuf_defer *d = &ob->defer[i];

		if (sendbytes(ob, p + pos, d->at - pos) != 0)
			return -1;
#ifdef HAVE_VMSPLICE
		if (senddeferred(ob, p, d) != 0)
			return -1;
#endif
		pos = d->at + d->len;
	}
	if (sendbytes(ob, p + pos, len - pos) != 0)
		return -1;
	ob->ndefer = ob->ncopy = ob->copyall = 0;
	ob->endat[ob->cur] = ob->sent;
	if (ob->nbuf == 1)
		return 0;
#ifdef HAVE_VMSPLICE
	return rotate(ob);
#else
	return 0;
#endif
}

/*
 * Let stretches of the buffer come from device devfd, read in whole
 * units of unit bytes; readfn reads one the caller's way when the device
 * will not splice it.  Only where the output is a pipe that splice(2)
 * takes: elsewhere obuf_defer takes nothing.
 */
void
obuf_device(struct obuf *ob, int devfd, size_t unit, obuf_readfn *readfn,
    void *readarg)
{
#ifdef HAVE_VMSPLICE
	struct stat sb;

	if (unit == 0 || ob->handoff || fstat(ob->fd, &sb) != 0 ||
	    !S_ISFIFO(sb.st_mode))
		return;
	ob->devfd = devfd;
	ob->devunit = unit;
	ob->readfn = readfn;
	ob->readarg = readarg;
#else
	(void)ob;
	(void)devfd;
	(void)unit;
	(void)readfn;
	(void)readarg;
#endif
}

/*
 * Bytes [at, at + len) of the buffer being filled, after any deferred
 * before, are to be len bytes of the device at off (whole units): they
 * are left unread until the buffer is sent, then spliced.  ino and
 * fileoff say where they belong, for the messages of a failed read.
 * Returns 0, or -1 when not taken: the caller reads them itself.
 */
int
obuf_defer(struct obuf *ob, size_t at, size_t len, off_t off, uint32_t ino,
    uint64_t fileoff)
{
	struct obuf_defer *d;

	if (ob->devfd < 0 || ob->ndefer == OBUF_NDEFER || len == 0 ||
	    len % ob->devunit != 0 || at + len > ob->size || (ob->ndefer > 0 &&
	    at < ob->defer[ob->ndefer - 1].at + ob->defer[ob->ndefer - 1].len))
		return -1;
	d = &ob->defer[ob->ndefer++];
	d->at = at;
	d->len = len;
	d->off = off;
	d->ino = ino;
	d->fileoff = fileoff;
	return 0;
}

/*
 * Bytes [at, at + len) of the buffer being filled, after any named
 * before, are to be written into the pipe, never handed to it: its
 * reader may move them on (dtapewr -Z).  Deferred stretches among them
 * still come from the device's cache, which is safe to move on.
 */
void
obuf_copy(struct obuf *ob, size_t at, size_t len)
{
	if (!ob->splice || len == 0)
		return;
	if (ob->ncopy == OBUF_NCOPY) {
		ob->copyall = 1;
		return;
	}
	ob->copy[ob->ncopy].at = at;
	ob->copy[ob->ncopy++].len = len;
}
