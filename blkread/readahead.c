/*
 * Read-ahead for dblkread's data reads.  dump writes files in inode
 * order, and their data lies on the disk mostly in ascending order, but
 * in runs of a few KiB on a file system of small files, either packed
 * together or strided (a directory's files interleaved with others').
 * Read one by one, with a cold cache, that is thousands of small
 * synchronous requests where dd of the image makes a few hundred large
 * ones.  Two things fix it:
 *
 *  - a window: a small run (under RA_DIRECT) is served from one large
 *    read starting at it, from which the runs that follow are copied
 *    while they fall inside it.  It adapts: when little of it was used
 *    before the reads moved elsewhere, the next is half as large; below
 *    RA_MIN it is off, each run read by itself, until two runs come
 *    within RA_DENSE bytes of each other again; when most of it was
 *    used, twice as large, up to RA_MAX;
 *  - advice: reads are synchronous, so the disk would idle between them.
 *    After a large read, and while small runs come forward within RA_GAP
 *    bytes of each other (a stretch that is cheaper read through than
 *    sought across), the next RA_AHEAD bytes are announced with
 *    posix_fadvise(POSIX_FADV_WILLNEED), where the system has it, for
 *    the disk to read meanwhile in large requests, as dd would.
 *
 * Every read is of whole units (the file system's fragments) at
 * multiples of the unit, as raw disks demand, and none goes past the
 * file system's end.  When a window cannot be read, the run is read by
 * itself, so that a read error is met, and salvaged sector by sector,
 * exactly as without the window; no window starts again below the end
 * of the one that failed.  Advice is only advice: what is read, and its
 * errors, stay the reads' own.
 *
 * Where the device can be mapped (a regular file, a Linux block device;
 * never a BSD raw disk, which refuses mmap), small runs are copied
 * straight out of a mapped stretch of RA_MAP bytes instead: the page
 * cache's pages, with no read into the window and no copy out of it,
 * which on small files is most of what dblkread spends.  Only the
 * device's bytes below its last whole page are mapped (a partial page
 * reads as zeros past the end, where a read would come up short).  A
 * page that cannot be read faults (SIGBUS, or SIGSEGV on some systems)
 * while the run is copied: the fault is caught, nothing more is mapped,
 * and the run and all after it go the way above, so that the read error
 * is met and salvaged exactly as without the map.  A fault anywhere
 * else, or either signal sent with kill(2), still does what it did.
 */
#include "feature.h"	/* SA_SIGINFO and sa_sigaction on FreeBSD */

#include <sys/types.h>
#include <sys/mman.h>

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "readahead.h"
#include "xio.h"

#define RA_MIN		(64u << 10)
#define RA_MAX		(1u << 20)
#define RA_DIRECT	(128u << 10)
#define RA_AHEAD	(4u << 20)
#define RA_GAP		(1 << 20)
#define RA_DENSE	(16 << 10)
#define RA_MAP		(4u << 20)

/* The copy out of the map that is under way, for the fault handler. */
static sigjmp_buf		 copyfault;
static volatile sig_atomic_t	 copying;
static volatile uintptr_t	 copylo, copyhi;
static struct sigaction		 oldbus, oldsegv;	/* what was there */

/*
 * A fault inside the mapped stretch while a run is copied out of it
 * returns to mapcopy.  Any other signal is not ours, a fault elsewhere
 * or one sent with kill(2): the action that was there before is put
 * back and the signal raised again, to do what it always did once this
 * handler returns.
 */
static void
onfault(int sig, siginfo_t *si, void *ctx)
{
	sigset_t set;
	uintptr_t at = si != NULL ? (uintptr_t)si->si_addr : 0;
	int code = si != NULL ? si->si_code : 0, fault;

	(void)ctx;
	fault = sig == SIGBUS ? code == BUS_ADRERR || code == BUS_OBJERR :
	    code == SEGV_MAPERR || code == SEGV_ACCERR;
	if (copying && fault && at >= copylo && at < copyhi) {
		copying = 0;
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		siglongjmp(copyfault, 1);
	}
	sigaction(sig, sig == SIGBUS ? &oldbus : &oldsegv, NULL);
	raise(sig);
}

/*
 * Can the device be mapped?  Then ra->mapend is the end of its last
 * whole page inside the file system and the fault handler is in place.
 */
static void
mapsetup(struct readahead *ra)
{
	struct sigaction sa;
	long page = sysconf(_SC_PAGESIZE);
	off_t here = lseek(ra->fd, 0, SEEK_CUR), size;

	ra->mapend = 0;
	if (here < 0)
		return;
	size = lseek(ra->fd, 0, SEEK_END);
	(void)lseek(ra->fd, here, SEEK_SET);
	if (page <= 0 || size <= 0 || RA_MAP % (unsigned long)page != 0)
		return;
	ra->page = (size_t)page;
	if (size > ra->devend)
		size = ra->devend;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = onfault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &oldbus) != 0)
		return;
	if (sigaction(SIGSEGV, &sa, &oldsegv) != 0) {
		sigaction(SIGBUS, &oldbus, NULL);
		return;
	}
	ra->mapend = size - size % page;
}

static void
unmap(struct readahead *ra)
{
	if (ra->map != NULL)
		munmap(ra->map, ra->maplen);
	ra->map = NULL;
	ra->maplen = 0;
}

/* Map nothing from now on: the map failed or a page faulted. */
static void
nomap(struct readahead *ra)
{
	unmap(ra);
	ra->mapend = 0;
}

/*
 * Copy n bytes at off out of the mapped stretch, mapping it first if
 * need be.  0, or -1 when the run cannot be served so (it lies past
 * what may be mapped, the map failed, a page faulted): then nothing is
 * mapped from now on.
 */
static int
mapcopy(struct readahead *ra, void *buf, size_t n, off_t off)
{
	off_t start;
	void *p;

	if (off + (off_t)n > ra->mapend)
		return -1;
	if (ra->map == NULL || off < ra->mapat ||
	    off + (off_t)n > ra->mapat + (off_t)ra->maplen) {
		unmap(ra);
		start = off - off % (off_t)ra->page;	/* and RA_MAP on */
		ra->maplen = RA_MAP;
		if ((uint64_t)(ra->mapend - start) < ra->maplen)
			ra->maplen = (size_t)(ra->mapend - start);
		p = mmap(NULL, ra->maplen, PROT_READ, MAP_SHARED, ra->fd,
		    start);
		if (p == MAP_FAILED) {
			nomap(ra);
			return -1;
		}
		ra->map = p;
		ra->mapat = start;
		(void)posix_madvise(p, ra->maplen, POSIX_MADV_SEQUENTIAL);
	}
	if (sigsetjmp(copyfault, 0) != 0) {
		nomap(ra);
		return -1;
	}
	copylo = (uintptr_t)ra->map;
	copyhi = (uintptr_t)ra->map + ra->maplen;
	copying = 1;
	memcpy(buf, ra->map + (off - ra->mapat), n);
	copying = 0;
	return 0;
}

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
	mapsetup(ra);
	ra->win = malloc(RA_MAX);
	return ra->win != NULL ? 0 : -1;
}

static int
inwindow(const struct readahead *ra, off_t off, size_t n)
{
	return ra->len > 0 && off >= ra->at &&
	    (uint64_t)(off - ra->at) + n <= ra->len;
}

/*
 * Announce the RA_AHEAD bytes from byte from, less what already was:
 * after a large read, and before bytes wanted without a read of ours
 * (dblkread's spliced runs).
 */
void
ra_advise(struct readahead *ra, off_t from)
{
#ifdef POSIX_FADV_WILLNEED
	off_t start = from, end = from + (off_t)RA_AHEAD;

	if (from >= ra->advfrom && from <= ra->advised) {
		if (ra->advised - from >= (off_t)RA_AHEAD / 2)
			return;
		start = ra->advised;
	}
	if (end > ra->devend)
		end = ra->devend;
	if (end <= start)
		return;
	(void)posix_fadvise(ra->fd, start, end - start, POSIX_FADV_WILLNEED);
	ra->advfrom = from;
	ra->advised = end;
#else
	(void)ra;
	(void)from;
#endif
}

/* Read a new window starting at off's unit, sized by the last one's use. */
static void
fill(struct readahead *ra, off_t off)
{
	off_t start = off - off % (off_t)ra->unit;
	size_t size;
	ssize_t got;

	if (ra->len > 0 && ra->used * 4 < ra->len)
		ra->want = ra->want > RA_MIN ? ra->want / 2 : 0;
	else if (ra->len > 0 && ra->used * 2 >= ra->len && ra->want < RA_MAX)
		ra->want *= 2;
	ra->len = ra->used = 0;
	if (ra->want == 0 || start < ra->nofill || start >= ra->devend)
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

/* Serve n bytes at off from the window, reading a new one if it is on. */
static int
fromwindow(struct readahead *ra, void *buf, size_t n, off_t off, off_t prev)
{
	if (!inwindow(ra, off, n)) {
		if (ra->want == 0 && off >= prev && off - prev <= RA_DENSE)
			ra->want = RA_MIN;	/* packed runs again */
		fill(ra, off);
		if (!inwindow(ra, off, n))
			return -1;
	}
	memcpy(buf, ra->win + (off - ra->at), n);
	ra->used += n;
	return 0;
}

/*
 * Read n bytes at off (a multiple of the unit) into buf, as preadunits
 * does: returns n, fewer at the end of the device, or -1 with errno set.
 */
ssize_t
ra_read(struct readahead *ra, void *buf, size_t n, off_t off)
{
	off_t prev = ra->last;

	ra->last = off + (off_t)n;
	if (n >= RA_DIRECT) {
		ra_advise(ra, off + (off_t)n);
	} else {
		if (off >= prev && off - prev <= RA_GAP)
			ra_advise(ra, off);
		if (ra->mapend > 0 && mapcopy(ra, buf, n, off) == 0)
			return (ssize_t)n;
		if (ra->win != NULL && fromwindow(ra, buf, n, off, prev) == 0)
			return (ssize_t)n;
	}
	return preadunits(ra->fd, buf, n, off, ra->unit);
}
