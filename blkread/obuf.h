/*
 * dblkread's output buffers: filled in place (data is read from the
 * device straight into them), then sent to stdout with write(2), or on
 * Linux, when told that the reader copies, handed to the pipe with
 * vmsplice(2) and rotated so that none is filled again while the pipe
 * may still hold a page of it.
 */
#ifndef OBUF_H
#define OBUF_H

#include <stddef.h>
#include <stdint.h>

#define OBUF_MAX	8	/* buffers in rotation, at most */

struct obuf {
	int		 fd;
	size_t		 size;		/* bytes of each buffer */
	unsigned char	*buf[OBUF_MAX];
	uint64_t	 endat[OBUF_MAX];	/* sent when its last byte went */
	int		 nbuf;
	int		 cur;		/* the buffer being filled */
	int		 splice;	/* pages are handed to the pipe */
	uint64_t	 sent;		/* bytes sent so far */
	uint64_t	 pipemax;	/* the largest pipe size seen */
};

int		 obuf_open(struct obuf *ob, int fd, size_t size,
		    int readercopies);
unsigned char	*obuf_cur(const struct obuf *ob);
int		 obuf_send(struct obuf *ob, size_t len);

#endif
