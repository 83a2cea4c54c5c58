/*
 * benchtree: the trees of the benchmark (t/bench), the same bytes for
 * the same seed on every machine.  Test tool only.
 *
 *	benchtree [-s seed] large|small|mixed|inodes dir
 *
 *   large	about 1 GiB in files of 1 to 100 MiB
 *   small	200,000 files of 0 to 8 KiB, 50 to a directory
 *   mixed	50,000 small files, 40 files of 1 to 20 MiB, symbolic and
 *		hard links, a deep chain of directories
 *   inodes	1,000,000 empty files, 1000 to a directory
 *
 * It prints "files N dirs N bytes N" (inodes, not names) on stdout.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB	(1024 * 1024)

static uint64_t state;
static uint64_t nfiles, ndirs, nbytes;
static unsigned char buf[MIB];

/* splitmix64 */
static uint64_t
rnd(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number from lo to hi, both included. */
static uint64_t
between(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static void
fail(const char *what, const char *path)
{
	fprintf(stderr, "benchtree: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void
mkd(const char *path)
{
	if (mkdir(path, 0755) != 0)
		fail("mkdir", path);
	ndirs++;
}

static void
mkfile(const char *path, uint64_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	uint64_t left = size;
	size_t n, i;

	if (fd < 0)
		fail("create", path);
	while (left > 0) {
		n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		for (i = 0; i + 8 <= n; i += 8) {
			uint64_t v = rnd();
			memcpy(buf + i, &v, 8);
		}
		for (; i < n; i++)
			buf[i] = (unsigned char)rnd();
		if (write(fd, buf, n) != (ssize_t)n)
			fail("write", path);
		left -= n;
	}
	if (close(fd) != 0)
		fail("close", path);
	nfiles++;
	nbytes += size;
}

static void
large(const char *dir)
{
	char path[4096];
	uint64_t total = 0, size, want = 1024ULL * MIB;
	int i, d = -1;

	for (i = 0; total < want; i++) {
		if (i % 8 == 0) {
			snprintf(path, sizeof(path), "%s/big%d", dir, ++d);
			mkd(path);
		}
		size = between(MIB, 100 * MIB);
		if (total + size > want)
			size = want - total < MIB ? MIB : want - total;
		snprintf(path, sizeof(path), "%s/big%d/file%03d", dir, d, i);
		mkfile(path, size);
		total += size;
	}
}

static void
small(const char *dir, int files, int perdir, const char *prefix)
{
	char path[4096];
	int i, d = -1;

	for (i = 0; i < files; i++) {
		if (i % (perdir * 100) == 0) {
			snprintf(path, sizeof(path), "%s/%s%03d", dir, prefix,
			    i / (perdir * 100));
			mkd(path);
		}
		if (i % perdir == 0) {
			d = i / perdir;
			snprintf(path, sizeof(path), "%s/%s%03d/d%05d", dir,
			    prefix, i / (perdir * 100), d);
			mkd(path);
		}
		snprintf(path, sizeof(path), "%s/%s%03d/d%05d/f%07d", dir,
		    prefix, i / (perdir * 100), d, i);
		mkfile(path, between(0, 8192));
	}
}

static void
mixed(const char *dir)
{
	char path[4096], target[4096];
	int i;

	small(dir, 50000, 50, "s");
	snprintf(path, sizeof(path), "%s/media", dir);
	mkd(path);
	for (i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "%s/media/m%02d", dir, i);
		mkfile(path, between(MIB, 20 * MIB));
	}
	snprintf(path, sizeof(path), "%s/links", dir);
	mkd(path);
	for (i = 0; i < 2000; i++) {
		snprintf(path, sizeof(path), "%s/links/sym%04d", dir, i);
		snprintf(target, sizeof(target), "../s%03d/d%05d/f%07d",
		    i % 1000 / 100, i % 1000, i % 1000 * 50);
		if (i % 10 == 0) {	/* a long target, kept in a block */
			size_t n = strlen(target);

			memset(target + n, 'x', 200);
			target[n + 200] = '\0';
		}
		if (symlink(target, path) != 0)
			fail("symlink", path);
		nfiles++;
	}
	for (i = 0; i < 1000; i++) {
		snprintf(target, sizeof(target), "%s/s%03d/d%05d/f%07d", dir,
		    i / 100, i, i * 50 + 1);
		snprintf(path, sizeof(path), "%s/links/hard%04d", dir, i);
		if (link(target, path) != 0)
			fail("link", path);
	}
	snprintf(path, sizeof(path), "%s/deep", dir);
	mkd(path);
	for (i = 0; i < 100; i++) {
		strcat(path, "/d");
		mkd(path);
	}
	strcat(path, "/bottom");
	mkfile(path, 100);
}

static void
inodes(const char *dir)
{
	char path[4096];
	int i, fd;

	for (i = 0; i < 1000000; i++) {
		if (i % 1000 == 0) {
			snprintf(path, sizeof(path), "%s/d%04d", dir, i / 1000);
			mkd(path);
		}
		snprintf(path, sizeof(path), "%s/d%04d/e%07d", dir, i / 1000,
		    i);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0 ||
		    close(fd) != 0)
			fail("create", path);
		nfiles++;
	}
}

int
main(int argc, char *argv[])
{
	int ch;

	state = 1;
	while ((ch = getopt(argc, argv, "s:")) != -1) {
		switch (ch) {
		case 's':
			state = strtoull(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		goto usage;
	if (mkdir(argv[1], 0755) != 0)
		fail("mkdir", argv[1]);
	if (strcmp(argv[0], "large") == 0)
		large(argv[1]);
	else if (strcmp(argv[0], "small") == 0)
		small(argv[1], 200000, 50, "s");
	else if (strcmp(argv[0], "mixed") == 0)
		mixed(argv[1]);
	else if (strcmp(argv[0], "inodes") == 0)
		inodes(argv[1]);
	else
		goto usage;
	printf("files %llu dirs %llu bytes %llu\n", (unsigned long long)nfiles,
	    (unsigned long long)ndirs + 1, (unsigned long long)nbytes);
	return 0;
usage:
	fprintf(stderr, "usage: benchtree [-s seed] large|small|mixed|inodes "
	    "dir\n");
	return 2;
}
