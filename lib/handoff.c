/*
 * The hand-off (handoff.h, dumptape(5)).  The shared file is given to
 * both stages as an open descriptor (dump(8) opens it and removes its
 * name before they start, so nothing is left behind however they end):
 *
 *	bytes 0-15	"dump hand-off 1\n"
 *	bytes 16-19	buffers (native byte order, as everything here)
 *	bytes 24-31	bytes of each buffer
 *	bytes 64-67	buffers given back by the reader so far, modulo 2^32
 *	byte 4096	the buffers, one after the other
 *
 * A notice is 24 bytes: "dhof", its kind (1: a buffer, 2: nothing, sent
 * to learn whether the reader is still there), the buffer's number in
 * the stream (buffer number % buffers is its place in the file) and the
 * bytes of it that are stream.  The writer fills a buffer only once the
 * reader has given it back, and the reader gives back each buffer as
 * soon as it has copied the last of it; the end of the pipe is the end
 * of the stream.  The writer learns that the reader is gone from the
 * pipe: poll(2) reports it, and a notice written into it fails.
 *
 * The count of buffers given back is the only thing both sides write
 * and read in memory, so it alone needs ordering (and 32 bits, which
 * every processor reads and writes whole without a library): the
 * reader's copies out of a buffer come before its count says so (a
 * release), and the writer's reads of the count before it writes into
 * the buffer again (an acquire).  gcc and clang, the compilers of every system here,
 * have those as built-ins; without them the hand-off is not built and
 * the stream goes through the pipe.
 */
#include "feature.h"	/* MAP_NOSYNC */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handoff.h"
#include "xio.h"

#define MAGIC		"dump hand-off 1\n"
#define H_NBUF		16
#define H_SIZE		24
#define H_DONE		64

#define TAG		"dhof"
#define N_KIND		4
#define N_SEQ		8
#define N_LEN		16
#define KIND_BUFFER	1
#define KIND_NOTHING	2

#define WAITMAX		64	/* ms between checks that the reader lives */

#if defined(__GNUC__) && defined(__ATOMIC_ACQUIRE)
#define HAVE_HANDOFF	1
#endif

#ifndef MAP_NOSYNC
#define MAP_NOSYNC	0	/* FreeBSD's: no write-back to the file */
#endif

static uint32_t *
donecount(const struct handoff *h)
{
	return (uint32_t *)(void *)(h->map + H_DONE);
}

static int
fail(struct handoff *h, const char *what)
{
	snprintf(h->err, sizeof(h->err), "%s%s%s", what,
	    errno != 0 ? ": " : "", errno != 0 ? strerror(errno) : "");
	return -1;
}

static void
putnotice(unsigned char *p, uint32_t kind, uint64_t seq, uint64_t len)
{
	memcpy(p, TAG, 4);
	memcpy(p + N_KIND, &kind, 4);
	memcpy(p + N_SEQ, &seq, 8);
	memcpy(p + N_LEN, &len, 8);
}

/*
 * The shared file on fd, made nbuf buffers of size bytes long, every
 * byte of it written (so that no page of it can fail for want of room
 * once it is mapped), and mapped.  Returns 0, or -1 with h->err set: the
 * caller then sends the stream itself down the pipe.
 */
int
ho_create(struct handoff *h, int fd, int pipe, uint32_t nbuf, size_t size)
{
	static const unsigned char zero[65536];
	struct stat sb;
	off_t at;
	ssize_t w;
	size_t n;
	void *p;

	memset(h, 0, sizeof(*h));
	h->pipe = pipe;
	h->nbuf = nbuf;
	h->size = size;
	h->maplen = HO_HEADER + (size_t)nbuf * size;
	h->pollsays = 1;
	errno = 0;
#ifndef HAVE_HANDOFF
	return fail(h, "not built in (no atomic built-ins)");
#endif
	if (nbuf < 2 || nbuf > HO_MAXBUF || size == 0 || size > HO_MAXSIZE)
		return fail(h, "bad geometry");
	if (fstat(fd, &sb) != 0)
		return fail(h, "descriptor");
	if (!S_ISREG(sb.st_mode))
		return fail(h, "not a regular file");
	if (ftruncate(fd, 0) != 0)
		return fail(h, "truncate");
	for (at = 0; (size_t)at < h->maplen; at += w) {
		n = h->maplen - (size_t)at;
		if (n > sizeof(zero))
			n = sizeof(zero);
		if ((w = pwrite(fd, zero, n, at)) < 0 && errno == EINTR)
			w = 0;
		else if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return fail(h, "write");
		}
	}
	p = mmap(NULL, h->maplen, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_NOSYNC, fd, 0);
	if (p == MAP_FAILED)
		return fail(h, "mmap");
	h->map = p;
	memcpy(h->map, MAGIC, 16);
	memcpy(h->map + H_NBUF, &nbuf, 4);
	memcpy(h->map + H_SIZE, &(uint64_t){ size }, 8);
	return 0;
}

/* The buffer to fill next: the reader has given it back. */
unsigned char *
ho_buffer(const struct handoff *h)
{
	return h->map + HO_HEADER + (size_t)(h->seq % h->nbuf) * h->size;
}

static int
sendnotice(struct handoff *h, uint32_t kind, uint64_t len)
{
	unsigned char n[HO_NOTICE];

	putnotice(n, kind, h->seq, len);
	return writefull(h->pipe, n, sizeof(n));
}

/*
 * Wait until the reader gives back the buffer to fill next, looking at
 * the count after 1, 2, 4 ... up to WAITMAX ms.  Whether the reader is
 * still there is learnt from the pipe: poll(2) reports that its reader
 * is gone (POLLHUP on the BSDs, POLLERR on Linux), and a notice of
 * nothing is written then, and every WAITMAX ms: its SIGPIPE ends
 * dblkread as a write of the stream would.  A system whose poll reports
 * something while the reader is there (the notice goes through) is not
 * asked again, and the notices alone tell.
 */
static int
waitfree(struct handoff *h)
{
#ifdef HAVE_HANDOFF
	struct pollfd pfd;
	int ms = 1, n;

	while ((uint32_t)h->seq - __atomic_load_n(donecount(h),
	    __ATOMIC_ACQUIRE) >= h->nbuf) {
		pfd.fd = h->pipe;
		pfd.events = 0;
		pfd.revents = 0;
		n = poll(&pfd, h->pollsays ? 0 : 1, ms);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0 || ms == WAITMAX) {
			if (sendnotice(h, KIND_NOTHING, 0) != 0)
				return -1;
			/* The reader took it: this poll reports what is
			 * not so, and from now on only the notices tell. */
			if (n > 0)
				h->pollsays = 0;
		}
		if (ms < WAITMAX)
			ms *= 2;
	}
#else
	(void)h;
#endif
	return 0;
}

/*
 * Send the first len bytes of the buffer filled, and wait for the next
 * to be free.  Returns 0, or -1 with errno set (EPIPE: the reader is
 * gone).
 */
int
ho_send(struct handoff *h, size_t len)
{
	if (len == 0)
		return 0;
	if (sendnotice(h, KIND_BUFFER, len) != 0)
		return -1;
	h->seq++;
	return waitfree(h);
}

/* Do the first four bytes of p say that it is a notice? */
int
ho_isnotice(const unsigned char *p)
{
	return memcmp(p, TAG, 4) == 0;
}

/* Take the notice p: 0, or -1 with h->err set. */
static int
takenotice(struct handoff *h, const unsigned char *p)
{
	uint32_t kind;
	uint64_t seq, len;

	memcpy(&kind, p + N_KIND, 4);
	memcpy(&seq, p + N_SEQ, 8);
	memcpy(&len, p + N_LEN, 8);
	if (!ho_isnotice(p) || (kind != KIND_BUFFER && kind != KIND_NOTHING)) {
		snprintf(h->err, sizeof(h->err), "hand-off notice %llu is "
		    "not one", (unsigned long long)h->seq);
		return -1;
	}
	if (seq != h->seq || (kind == KIND_BUFFER && (len == 0 ||
	    len > h->size)) || (kind == KIND_NOTHING && len != 0)) {
		snprintf(h->err, sizeof(h->err), "hand-off notice %llu names "
		    "buffer %llu of %llu bytes (at most %zu)",
		    (unsigned long long)h->seq, (unsigned long long)seq,
		    (unsigned long long)len, h->size);
		return -1;
	}
	if (kind == KIND_NOTHING)
		return 0;
	h->cur = h->map + HO_HEADER + (size_t)(seq % h->nbuf) * h->size;
	h->curlen = (size_t)len;
	h->curoff = 0;
	h->seq++;
	return 0;
}

/*
 * The reader's side, once the first bytes of its input, first, are a
 * notice: map the shared file on fd and take the notice.  0, or -1 with
 * h->err set.
 */
int
ho_attach(struct handoff *h, int fd, int pipe, const unsigned char *first)
{
	memset(h, 0, sizeof(*h));
	h->pipe = pipe;
	errno = 0;
#ifndef HAVE_HANDOFF
	(void)fd;
	(void)first;
	return fail(h, "the input is a hand-off, which is not built in");
#else
	unsigned char head[H_SIZE + 8];
	struct stat sb;
	uint64_t size;
	ssize_t n;
	void *p;

	if (fstat(fd, &sb) != 0)
		return fail(h, "the hand-off's file");
	if (!S_ISREG(sb.st_mode) || sb.st_size < HO_HEADER)
		return fail(h, "the hand-off's file is not one");
	if ((n = preadfull(fd, head, sizeof(head), 0)) < 0)
		return fail(h, "the hand-off's file: read");
	memcpy(&h->nbuf, head + H_NBUF, 4);
	memcpy(&size, head + H_SIZE, 8);
	errno = 0;
	if ((size_t)n < sizeof(head) || memcmp(head, MAGIC, 16) != 0 ||
	    h->nbuf < 2 || h->nbuf > HO_MAXBUF || size == 0 ||
	    size > HO_MAXSIZE ||
	    (uint64_t)sb.st_size < HO_HEADER + h->nbuf * size)
		return fail(h, "the hand-off's file has no valid header");
	h->size = (size_t)size;
	h->maplen = HO_HEADER + (size_t)h->nbuf * h->size;
	p = mmap(NULL, h->maplen, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_NOSYNC, fd, 0);
	if (p == MAP_FAILED)
		return fail(h, "the hand-off's file: mmap");
	h->map = p;
	return takenotice(h, first);
#endif
}

/* Are there bytes to read without waiting for a notice? */
int
ho_ready(const struct handoff *h)
{
	return h->curoff < h->curlen;
}

static void
giveback(struct handoff *h)
{
#ifdef HAVE_HANDOFF
	__atomic_store_n(donecount(h), (uint32_t)h->seq, __ATOMIC_RELEASE);
#else
	(void)h;
#endif
}

/*
 * Up to n bytes of the stream into dst, as read(2) would: the bytes
 * copied, 0 at the end of the stream, -1 with h->err set, or HO_AGAIN
 * when the notice read was one of nothing (wait, and call again).  A
 * buffer is given back as soon as its last byte is copied.  When
 * ho_ready says no bytes are at hand, it reads one notice: call it then
 * only once the pipe is readable, for a notice is written whole (24
 * bytes, fewer than PIPE_BUF) and then is read without waiting.
 */
ssize_t
ho_read(struct handoff *h, void *dst, size_t n)
{
	unsigned char note[HO_NOTICE];
	ssize_t got;

	if (!ho_ready(h)) {
		got = readfull(h->pipe, note, sizeof(note));
		if (got == 0)
			return 0;
		if (got < 0)
			return fail(h, "read");
		if ((size_t)got < sizeof(note)) {
			snprintf(h->err, sizeof(h->err), "input ends inside "
			    "hand-off notice %llu", (unsigned long long)h->seq);
			return -1;
		}
		if (takenotice(h, note) != 0)
			return -1;
		if (!ho_ready(h))
			return HO_AGAIN;
	}
	if (n > h->curlen - h->curoff)
		n = h->curlen - h->curoff;
	memcpy(dst, h->cur + h->curoff, n);
	h->curoff += n;
	if (h->curoff == h->curlen)
		giveback(h);
	return (ssize_t)n;
}
