/*
 * Read-ahead for dblkread's data reads.  On a file system of small files
 * the runs dscan names are a few KiB each, mostly in ascending order and
 * close together: read one by one, a disk whose cache is cold serves
 * thousands of small scattered requests where dd of the image makes a
 * few hundred large ones.  So a small run is served from a window: one
 * large read starting at the run, from which the runs that follow are
 * copied while they fall inside it.  Runs of RA_DIRECT bytes or more are
 * read straight into the caller's buffer, as before.
 *
 * The window adapts: when little of it was used before the reads moved
 * elsewhere, the next is half as large (down to RA_MIN); when most of
 * it was, twice (up to RA_MAX).  Every read is of whole units (the file
 * system's fragments) at multiples of the unit, as raw disks demand,
 * and none goes past the file system's end.  When a window cannot be
 * read, the run is read by itself, so that a read error is met, and
 * salvaged sector by sector, exactly as without the window; no window
 * starts again below the end of the one that failed.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readahead.h"
#include "xio.h"

#define RA_MIN		(64u << 10)
#define RA_MAX		(1u << 20)
#define RA_DIRECT	(128u << 10)

/* Reads of whole units of unit bytes from fd, the file system ending at
 * devend.  Returns 0, or -1 when out of memory. */
int
ra_open(struct readahead *ra, int fd, size_t unit, off_t devend)
{
	memset(ra, 0, sizeof(*ra));
	ra->fd = fd;
	ra->unit = unit;
	ra->devend = devend - devend % (off_t)unit;
	ra->want = RA_MAX;
	if (unit == 0 || RA_MIN % unit != 0)
		return 0;	/* no window: every run read by itself */
	ra->win = malloc(RA_MAX);
	return ra->win != NULL ? 0 : -1;
}

static int
inwindow(const struct readahead *ra, off_t off, size_t n)
{
	return ra->len > 0 && off >= ra->at &&
	    (uint64_t)(off - ra->at) + n <= ra->len;
}

/* Read a new window starting at off's unit, sized by the last one's use. */
static void
fill(struct readahead *ra, off_t off)
{
	off_t start = off - off % (off_t)ra->unit;
	size_t size;
	ssize_t got;

	if (ra->len > 0 && ra->used * 4 < ra->len && ra->want > RA_MIN)
		ra->want /= 2;
	else if (ra->len > 0 && ra->used * 2 >= ra->len && ra->want < RA_MAX)
		ra->want *= 2;
	ra->len = ra->used = 0;
	if (start < ra->nofill || start >= ra->devend)
		return;
	size = ra->want;
	if ((uint64_t)(ra->devend - start) < size)
		size = (size_t)(ra->devend - start);
	got = preadunits(ra->fd, ra->win, size, start, ra->unit);
	if (got < 0) {
		ra->nofill = start + (off_t)size;
		return;
	}
	ra->at = start;
	ra->len = (size_t)got;
}

/*
 * Read n bytes at off (a multiple of the unit) into buf, as preadunits
 * does: returns n, fewer at the end of the device, or -1 with errno set.
 */
ssize_t
ra_read(struct readahead *ra, void *buf, size_t n, off_t off)
{
	if (ra->win != NULL && n < RA_DIRECT) {
		if (!inwindow(ra, off, n))
			fill(ra, off);
		if (inwindow(ra, off, n)) {
			memcpy(buf, ra->win + (off - ra->at), n);
			ra->used += n;
			return (ssize_t)n;
		}
	}
	return preadunits(ra->fd, buf, n, off, ra->unit);
}
