/*
 * eomshim: an LD_PRELOAD library that makes writes to chosen files meet
 * the end of the media after a chosen number of bytes, so that end of
 * tape can be tested without a tape or privileges.  Test tool only.
 *
 *	EOM_AT="path:bytes[,path:bytes...]"	absolute paths, exact, or
 *						ending in '*': every path
 *						that begins so
 *	EOM_STYLE=zero|short|enospc|eio		how the end shows
 *	EOM_ONCE=marker				eio: only the first time
 *
 * zero: the write that would cross the end writes nothing, returns 0.
 * short: it writes what fits and returns that count (0 when nothing fits).
 * enospc: it writes nothing and fails with ENOSPC, as a tape does.
 * eio: it writes nothing and fails with EIO (not the end of the media);
 * with EOM_ONCE, only while the marker file does not exist (it is made).
 *
 * Read errors, for a failing disk:
 *
 *	READ_EIO="path:start-end[,start-end...]"	byte ranges, end excluded
 *
 * A pread(2) of that file touching a range fails with EIO; a mapping of
 * it (mmap(2)) has the pages that touch a range made unreadable
 * (PROT_NONE), so that a copy out of them faults as a page of a failing
 * disk does (SIGSEGV here; a real read error raises SIGBUS on Linux).
 *
 * A tape, as fstat(2) shows it:
 *
 *	EOM_TAPE="prefix"	files whose absolute path begins so are
 *				character devices to fstat(2)
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

typedef ssize_t (*writefn)(int, const void *, size_t);
typedef ssize_t (*preadfn)(int, void *, size_t, off_t);

/* The file open on fd, into path (size bytes); 0 or -1. */
static int
fdpath(int fd, char *path, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, size - 1);
	if (n <= 0)
		return -1;
	path[n] = '\0';
	return 0;
}

/*
 * The READ_EIO ranges of the file on fd that touch [off, off + len):
 * each, clipped to it, to fn; stops at fn's first non-zero, which it
 * returns, or 0.
 */
static int
eioranges(int fd, off_t off, size_t len,
    int (*fn)(long long a, long long b, void *arg), void *arg)
{
	const char *env = getenv("READ_EIO");
	char path[4096], *list, *p, *r;
	size_t plen;
	long long a, b;
	int ret = 0;

	if (env == NULL || fdpath(fd, path, sizeof(path)) != 0)
		return 0;
	plen = strlen(path);
	if (strncmp(env, path, plen) != 0 || env[plen] != ':')
		return 0;
	if ((list = strdup(env + plen + 1)) == NULL)
		return 0;
	for (p = strtok(list, ","); p != NULL && ret == 0;
	    p = strtok(NULL, ",")) {
		r = strchr(p, '-');
		if (r == NULL)
			continue;
		a = atoll(p);
		b = atoll(r + 1);
		if (off < b && off + (long long)len > a)
			ret = fn(a > off ? a : off, b < off + (long long)len ? b :
			    off + (long long)len, arg);
	}
	free(list);
	return ret;
}

static int
touches(long long a, long long b, void *arg)
{
	(void)a;
	(void)b;
	(void)arg;
	return 1;
}

/* Does [off, off + len) of the file on fd touch a READ_EIO range? */
static int
readfault(int fd, off_t off, size_t len)
{
	return eioranges(fd, off, len, touches, NULL);
}

static ssize_t
faultyread(preadfn real, int fd, void *buf, size_t len, off_t off)
{
	if (readfault(fd, off, len)) {
		errno = EIO;
		return -1;
	}
	return real(fd, buf, len, off);
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	static preadfn real;

	if (real == NULL)
		real = (preadfn)dlsym(RTLD_NEXT, "pread");
	return faultyread(real, fd, buf, len, off);
}

/* glibc's large-file name for it (musl has only pread). */
#ifdef __GLIBC__
ssize_t
pread64(int fd, void *buf, size_t len, off_t off)
{
	static preadfn real;

	if (real == NULL)
		real = (preadfn)dlsym(RTLD_NEXT, "pread64");
	return faultyread(real, fd, buf, len, off);
}
#endif

/* A mapping of the file, from byte off: where it is, for unreadable(). */
struct mapping {
	unsigned char	*p;
	long long	 off;
};

/* Make the pages of the mapping that hold [a, b) unreadable. */
static int
unreadable(long long a, long long b, void *arg)
{
	const struct mapping *m = arg;
	long page = sysconf(_SC_PAGESIZE);
	long long from = (a - m->off) / page * page,
	    to = (b - m->off + page - 1) / page * page;

	mprotect(m->p + from, (size_t)(to - from), PROT_NONE);
	return 0;
}

static void *
faultymap(void *p, size_t len, int fd, long long off)
{
	struct mapping m;

	if (p != MAP_FAILED && fd >= 0) {
		m.p = p;
		m.off = off;
		(void)eioranges(fd, (off_t)off, len, unreadable, &m);
	}
	return p;
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return faultymap(((void *(*)(void *, size_t, int, int, int, off_t))
	    dlsym(RTLD_NEXT, "mmap"))(addr, len, prot, flags, fd, off), len, fd,
	    (long long)off);
}

#ifdef __GLIBC__
void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	return faultymap(((void *(*)(void *, size_t, int, int, int, off64_t))
	    dlsym(RTLD_NEXT, "mmap64"))(addr, len, prot, flags, fd, off), len,
	    fd, (long long)off);
}
#endif

/* The limit set for the file open on fd, or -1. */
static long long
limit(int fd)
{
	char path[4096], *list, *p, *colon;
	const char *env = getenv("EOM_AT");
	long long at = -1;

	if (env == NULL || fdpath(fd, path, sizeof(path)) != 0)
		return -1;
	if ((list = strdup(env)) == NULL)
		return -1;
	for (p = strtok(list, ","); p != NULL; p = strtok(NULL, ",")) {
		colon = strrchr(p, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		if (strcmp(p, path) == 0 || (colon > p && colon[-1] == '*' &&
		    strncmp(p, path, (size_t)(colon - 1 - p)) == 0)) {
			at = atoll(colon + 1);
			break;
		}
	}
	free(list);
	return at;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	static writefn real;
	const char *style = getenv("EOM_STYLE"), *once;
	long long at, cur;
	int mfd;

	if (real == NULL)
		real = (writefn)dlsym(RTLD_NEXT, "write");
	at = limit(fd);
	if (at < 0)
		return real(fd, buf, len);
	cur = lseek(fd, 0, SEEK_CUR);
	if (cur < 0 || cur + (long long)len <= at)
		return real(fd, buf, len);
	if (style == NULL || strcmp(style, "zero") == 0)
		return 0;
	if (strcmp(style, "short") == 0)
		return cur < at ? real(fd, buf, (size_t)(at - cur)) : 0;
	if (strcmp(style, "eio") == 0) {
		once = getenv("EOM_ONCE");
		if (once != NULL) {
			mfd = open(once, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (mfd < 0)
				return real(fd, buf, len);
			close(mfd);
		}
		errno = EIO;
		return -1;
	}
	errno = ENOSPC;
	return -1;
}

typedef int (*fstatfn)(int, struct stat *);

/* Make a file under EOM_TAPE look like a character device. */
static void
tapemode(int fd, mode_t *mode)
{
	const char *tape = getenv("EOM_TAPE");
	char path[4096];

	if (tape != NULL && fdpath(fd, path, sizeof(path)) == 0 &&
	    strncmp(path, tape, strlen(tape)) == 0)
		*mode = (*mode & ~(mode_t)S_IFMT) | S_IFCHR;
}

int
fstat(int fd, struct stat *st)
{
	static fstatfn real;
	int r;

	if (real == NULL)
		real = (fstatfn)dlsym(RTLD_NEXT, "fstat");
	if ((r = real(fd, st)) == 0)
		tapemode(fd, &st->st_mode);
	return r;
}

/* glibc's large-file name for it, which -D_FILE_OFFSET_BITS=64 calls. */
#ifdef __GLIBC__
typedef int (*fstat64fn)(int, struct stat64 *);

int
fstat64(int fd, struct stat64 *st)
{
	static fstat64fn real;
	int r;

	if (real == NULL)
		real = (fstat64fn)dlsym(RTLD_NEXT, "fstat64");
	if ((r = real(fd, st)) == 0)
		tapemode(fd, &st->st_mode);
	return r;
}
#endif
