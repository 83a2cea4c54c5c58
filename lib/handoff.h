/*
 * The hand-off: the dump stream passed from dblkread to dtapewr through
 * shared memory, the pipe between them carrying only short notices that
 * say which buffer to take next.  A pipe of the BSDs holds 64 KiB, so it
 * changes hands, a sleep and a wake-up on each side, every 64 KiB; a
 * notice covers a buffer of megabytes.  Its format, the writer and the
 * reader are here, and in dumptape(5).
 */
#ifndef HANDOFF_H
#define HANDOFF_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define HO_NOTICE	24	/* bytes of a notice */
#define HO_HEADER	4096	/* bytes of the file's header */
#define HO_MAXBUF	64	/* buffers, at most */
#define HO_MAXSIZE	((size_t)64 << 20)	/* bytes of a buffer, at most */
#define HO_AGAIN	(-2)	/* ho_read took a notice of nothing */

struct handoff {
	int		 pipe;		/* the notices: written, or read */
	unsigned char	*map;		/* the whole file */
	size_t		 maplen;
	uint32_t	 nbuf;
	size_t		 size;		/* bytes of each buffer */
	uint64_t	 seq;		/* the next buffer sent, or expected */
	int		 pollsays;	/* poll(2) tells that the reader left */
	/* the reader's buffer being taken */
	const unsigned char *cur;
	size_t		 curlen, curoff;	/* given back when equal */
	char		 err[160];
};

/* The writer's side (dblkread). */
int		 ho_create(struct handoff *h, int fd, int pipe, uint32_t nbuf,
		    size_t size);
unsigned char	*ho_buffer(const struct handoff *h);
int		 ho_send(struct handoff *h, size_t len);

/* The reader's side (dtapewr). */
int		 ho_isnotice(const unsigned char *p);
int		 ho_attach(struct handoff *h, int fd, int pipe,
		    const unsigned char *first);
int		 ho_ready(const struct handoff *h);
ssize_t		 ho_read(struct handoff *h, void *dst, size_t n);

#endif
