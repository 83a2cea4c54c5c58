/*
 * sectorshim: an LD_PRELOAD library that makes one file behave like a
 * BSD raw disk device, which accepts only reads of a whole number of
 * sectors at a sector-aligned offset (FreeBSD's g_io_check; the other
 * BSDs' disk drivers have the same rule).  Test tool only, for programs
 * linked against the GNU C library (t/sector.bats skips otherwise).
 *
 *	SECTOR_FILE=path	the file that acts as the device
 *	SECTOR=bytes		the sector size (default 512)
 *
 * A read(2) or pread(2) of that file (through any descriptor open on
 * it, found by device and inode number) that is not whole
 * sectors at a sector boundary fails with EINVAL and leaves one line on
 * stderr:
 *
 *	sectorshim: PATH: read of N bytes at byte OFF is not whole
 *	sectors of S bytes: refused
 *
 * And, as a raw disk has no page cache to move pages from, splice(2)
 * from that file fails with EINVAL: silently, as it is how such a device
 * answers, not a mistake of the caller's; but with
 *
 *	SECTOR_SPLICELOG=path
 *
 * each refusal appends a line "splice of N bytes at byte OFF" to path.
 *
 * Nor can a raw disk be mapped: mmap(2) of that file fails with ENODEV,
 * as a BSD disk device answers, silently too; with
 *
 *	SECTOR_MAPLOG=path
 *
 * each refusal appends a line "mmap of N bytes at byte OFF" to path.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef ssize_t (*readfn)(int, void *, size_t);
typedef ssize_t (*preadfn)(int, void *, size_t, off_t);

/* Is fd open on SECTOR_FILE?  Then *sector is its sector size. */
static int
isdevice(int fd, long *sector)
{
	const char *path = getenv("SECTOR_FILE"), *s = getenv("SECTOR");
	struct stat want, have;

	if (path == NULL || *path == '\0')
		return 0;
	if (stat(path, &want) != 0 || fstat(fd, &have) != 0)
		return 0;
	if (want.st_dev != have.st_dev || want.st_ino != have.st_ino)
		return 0;
	*sector = s != NULL && atol(s) > 0 ? atol(s) : 512;
	return 1;
}

/* 0 if the read is whole sectors at a sector boundary; else -1, EINVAL. */
static int
refuse(int fd, size_t n, off_t off)
{
	long sector;
	int saved = errno;

	if (!isdevice(fd, &sector)) {
		errno = saved;
		return 0;
	}
	if (off % sector == 0 && n % (size_t)sector == 0) {
		errno = saved;
		return 0;
	}
	fprintf(stderr, "sectorshim: %s: read of %zu bytes at byte %lld is "
	    "not whole sectors of %ld bytes: refused\n",
	    getenv("SECTOR_FILE"), n, (long long)off, sector);
	errno = EINVAL;
	return -1;
}

static preadfn
realpread(const char *name)
{
	return (preadfn)dlsym(RTLD_NEXT, name);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	if (refuse(fd, n, off) != 0)
		return -1;
	return realpread("pread")(fd, buf, n, off);
}

ssize_t
read(int fd, void *buf, size_t n)
{
	off_t off;

	if (getenv("SECTOR_FILE") != NULL &&
	    (off = lseek(fd, 0, SEEK_CUR)) >= 0 && refuse(fd, n, off) != 0)
		return -1;
	return ((readfn)dlsym(RTLD_NEXT, "read"))(fd, buf, n);
}

/* A silent refusal of call, noted in the file the variable env names. */
static void
noterefusal(const char *env, const char *call, size_t n, long long off)
{
	const char *log = getenv(env);
	FILE *f;

	if (log != NULL && (f = fopen(log, "a")) != NULL) {
		fprintf(f, "%s of %zu bytes at byte %lld\n", call, n, off);
		fclose(f);
	}
}

ssize_t
splice(int in, loff_t *inoff, int out, loff_t *outoff, size_t n,
    unsigned int flags)
{
	long sector;

	if (isdevice(in, &sector)) {
		noterefusal("SECTOR_SPLICELOG", "splice", n,
		    inoff != NULL ? (long long)*inoff : -1LL);
		errno = EINVAL;
		return -1;
	}
	return ((ssize_t (*)(int, loff_t *, int, loff_t *, size_t,
	    unsigned int))dlsym(RTLD_NEXT, "splice"))(in, inoff, out, outoff, n,
	    flags);
}

/* 0 to go on and map; -1 with errno ENODEV for the device. */
static int
refusemap(int fd, size_t n, long long off)
{
	long sector;

	if (fd < 0 || !isdevice(fd, &sector))
		return 0;
	noterefusal("SECTOR_MAPLOG", "mmap", n, off);
	errno = ENODEV;
	return -1;
}

void *
mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off)
{
	if (refusemap(fd, n, (long long)off) != 0)
		return MAP_FAILED;
	return ((void *(*)(void *, size_t, int, int, int, off_t))dlsym(
	    RTLD_NEXT, "mmap"))(addr, n, prot, flags, fd, off);
}

#ifdef __GLIBC__
/* glibc's large-file and fortified entry points. */
void *
mmap64(void *addr, size_t n, int prot, int flags, int fd, off64_t off)
{
	if (refusemap(fd, n, (long long)off) != 0)
		return MAP_FAILED;
	return ((void *(*)(void *, size_t, int, int, int, off64_t))dlsym(
	    RTLD_NEXT, "mmap64"))(addr, n, prot, flags, fd, off);
}

ssize_t
pread64(int fd, void *buf, size_t n, off64_t off)
{
	if (refuse(fd, n, off) != 0)
		return -1;
	return ((ssize_t (*)(int, void *, size_t, off64_t))dlsym(RTLD_NEXT,
	    "pread64"))(fd, buf, n, off);
}

ssize_t
__read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	(void)buflen;
	return read(fd, buf, n);
}

ssize_t
__pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	(void)buflen;
	return pread(fd, buf, n, off);
}

ssize_t
__pread64_chk(int fd, void *buf, size_t n, off64_t off, size_t buflen)
{
	(void)buflen;
	return pread64(fd, buf, n, off);
}
#endif
