/*
 * dblkread's output buffers: filled in place (data is read from the
 * device straight into them), then sent to stdout with write(2), or on
 * Linux, when told that the reader copies, handed to the pipe with
 * vmsplice(2) and rotated so that none is filled again while the pipe
 * may still hold a page of it.  There, large stretches of file data can
 * also be left unread in the buffer and moved from the device's cache
 * into the pipe with splice(2) when the buffer is sent (obuf_defer).
 * Or, given the descriptor of a hand-off's file (dblkread -H), the
 * buffers are the hand-off's, in memory shared with dtapewr, and only
 * notices go to stdout (handoff.h).
 */
#ifndef OBUF_H
#define OBUF_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "handoff.h"

#define OBUF_MAX	8	/* buffers in rotation, at most */
#define OBUF_NDEFER	256	/* stretches deferred in one buffer, at most */
#define OBUF_NCOPY	256	/* stretches never lent, in one buffer */
#define OBUF_NHANDOFF	4	/* buffers of the hand-off */

/*
 * A stretch of the buffer that is to come from the device: its bytes
 * [at, at + len) are spliced from byte off of the device when the buffer
 * is sent.  ino and fileoff only say, when that fails, where they were.
 */
struct obuf_defer {
	size_t		 at;
	size_t		 len;
	off_t		 off;
	uint32_t	 ino;
	uint64_t	 fileoff;
};

/* Bytes [at, at + len) of a buffer. */
struct obuf_span {
	size_t		 at;
	size_t		 len;
};

/*
 * Read len bytes at device byte off into p, as the caller reads data
 * (its errors its own): what a deferred stretch becomes when the device
 * will not splice it.
 */
typedef void	obuf_readfn(void *arg, unsigned char *p, size_t len, off_t off,
		    uint32_t ino, uint64_t fileoff);

struct obuf {
	int		 fd;
	size_t		 size;		/* bytes of each buffer */
	unsigned char	*buf[OBUF_MAX];
	uint64_t	 endat[OBUF_MAX];	/* sent when its last byte went */
	int		 nbuf;
	int		 cur;		/* the buffer being filled */
	int		 splice;	/* pages are handed to the pipe */
	int		 handoff;	/* the buffers are ho's (handoff.h) */
	struct handoff	 ho;
	uint64_t	 sent;		/* bytes sent so far */
	uint64_t	 pipemax;	/* the largest pipe size seen */
	/* deferred stretches of the buffer being filled, in order */
	int		 devfd;		/* -1: none are taken */
	size_t		 devunit;	/* reads are whole units of it */
	obuf_readfn	*readfn;
	void		*readarg;
	struct obuf_defer defer[OBUF_NDEFER];
	int		 ndefer;
	/* stretches of the buffer being filled to copy, never lend */
	struct obuf_span copy[OBUF_NCOPY];
	int		 ncopy;
	int		 copyall;	/* too many: copy the whole buffer */
};

int		 obuf_open(struct obuf *ob, int fd, size_t size,
		    int readercopies, int hofd);
unsigned char	*obuf_cur(const struct obuf *ob);
int		 obuf_send(struct obuf *ob, size_t len);
void		 obuf_device(struct obuf *ob, int devfd, size_t unit,
		    obuf_readfn *readfn, void *readarg);
int		 obuf_defer(struct obuf *ob, size_t at, size_t len, off_t off,
		    uint32_t ino, uint64_t fileoff);
void		 obuf_copy(struct obuf *ob, size_t at, size_t len);

#endif
