/*
 * dblkread's read-ahead window: small runs that lie close together on
 * the device are served from one large read instead of one read each.
 */
#ifndef READAHEAD_H
#define READAHEAD_H

#include <sys/types.h>

#include <stddef.h>

struct readahead {
	int		 fd;
	size_t		 unit;		/* reads are whole units (fragments) */
	off_t		 devend;	/* the file system's end: no read past it */
	unsigned char	*win;
	size_t		 want;		/* bytes of the next window */
	off_t		 at;		/* device byte of win[0] */
	size_t		 len;		/* bytes of win read */
	size_t		 used;		/* bytes of it handed out */
	off_t		 nofill;	/* no window starts below: a read failed */
	off_t		 advfrom;	/* announced to the system: [advfrom, */
	off_t		 advised;	/* advised) */
	off_t		 last;		/* end of the last run read */
	size_t		 page;		/* the system's page size */
	off_t		 mapend;	/* runs below may be mapped; 0: none */
	unsigned char	*map;		/* the mapped stretch, or NULL */
	off_t		 mapat;		/* its first device byte */
	size_t		 maplen;	/* and its length */
};

int	ra_open(struct readahead *ra, int fd, size_t unit, off_t devend);
void	ra_advise(struct readahead *ra, off_t off);
ssize_t	ra_read(struct readahead *ra, void *buf, size_t n, off_t off);

#endif
