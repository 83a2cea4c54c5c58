/*
 * Whole reads and writes: loop over short transfers and EINTR so that
 * callers see either the full count, end of file, or an error.
 */
#ifndef XIO_H
#define XIO_H

#include <sys/types.h>

#include <stddef.h>

ssize_t	readfull(int fd, void *buf, size_t n);
ssize_t	preadfull(int fd, void *buf, size_t n, off_t off);
int	writefull(int fd, const void *buf, size_t n);
void	bigpipe(int fd);

/*
 * A caller's own wait for a descriptor to be readable, so that a module
 * that reads (a question to the operator, an rmt reply, the input) does
 * not block where the caller cannot see, as dtapewr's one poll must:
 * returns 0 once fd is readable, or non-zero to give up (a signal).
 */
typedef int (*readwait_fn)(void *arg, int fd);

#define XIO_SECTOR	512	/* the smallest sector; salvage starts there */
#define XIO_UNITMAX	65536	/* the largest unit of preadunits: MAXBSIZE */
#define XIO_ALIGN	4096	/* buffer alignment for O_DIRECT */
#define XIO_SEEN	64	/* bad stretches remembered as reported */

ssize_t	preadunits(int fd, void *buf, size_t n, off_t off, size_t unit);

/* A descriptor for salvage reads, one sector at a time, past the cache. */
struct sectorio {
	int		 fd;
	int		 direct;	/* fd was opened with O_DIRECT */
	size_t		 sector;	/* bytes per read, doubled on EINVAL */
	size_t		 max;		/* the most sector may grow to */
	unsigned char	*buf;		/* max bytes, XIO_ALIGN-aligned */
	off_t		 seen[XIO_SEEN];	/* bad stretches reported */
	unsigned	 nseen;
};

int	sectorio_open(struct sectorio *sio, const char *path, size_t max);
void	sectorio_close(struct sectorio *sio);
int	sectorio_seen(struct sectorio *sio, off_t at);
ssize_t	sectorio_read(struct sectorio *sio, const char *path, void *dst,
	    off_t off);

typedef void (*badsector_fn)(void *arg, off_t at, size_t len,
	    unsigned long nsectors, int err);
unsigned long sectorio_salvage(struct sectorio *sio, int fd, const char *path,
	    unsigned char *buf, size_t len, off_t off, badsector_fn bad,
	    void *arg);

#endif
