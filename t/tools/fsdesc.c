/*
 * fsdesc: describe a directory tree one line per entry, sorted, so that two
 * trees (what went into a dump, what restore gave back) compare with diff.
 * Test tool only.
 *
 *	fsdesc [-H] [-p none|s|us|ns] [-x name] dir
 *
 * Each line: path type perm nlink uid gid size mtime what links [holes]
 *   path	escaped as in dscan(5), "." for dir itself
 *   what	file: FNV-1a 64 of the bytes; link: target; device: rdev
 *   links	"-" or L<n>, n numbering hard-link groups by first appearance
 *   holes	with -H: data extents "off+len,..." from SEEK_DATA/SEEK_HOLE
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esc.h"

static int Hflag;
static int prec = 6;		/* digits after the second */
static const char *exclude;

struct ino {
	dev_t	dev;
	ino_t	ino;
};
static struct ino *groups;
static size_t ngroups, capgroups;

static void
fail(const char *what, const char *path)
{
	fprintf(stderr, "fsdesc: %s: %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static size_t
group(const struct stat *sb)
{
	size_t i;

	for (i = 0; i < ngroups; i++)
		if (groups[i].dev == sb->st_dev && groups[i].ino == sb->st_ino)
			return i + 1;
	if (ngroups == capgroups) {
		capgroups = capgroups ? 2 * capgroups : 64;
		groups = realloc(groups, capgroups * sizeof(*groups));
		if (groups == NULL)
			fail("memory", "");
	}
	groups[ngroups].dev = sb->st_dev;
	groups[ngroups].ino = sb->st_ino;
	return ++ngroups;
}

static void
putesc(const char *s, size_t n)
{
	char *buf = malloc(ESC_MAX(n));

	if (buf == NULL)
		fail("memory", "");
	esc_encode(buf, (const unsigned char *)s, n);
	fputs(buf, stdout);
	free(buf);
}

static void
hashfile(const char *path)
{
	unsigned char buf[65536];
	uint64_t h = 14695981039346656037ull;
	ssize_t n, i;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		fail("open", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ull;
	if (n < 0)
		fail("read", path);
	printf("%016" PRIx64, h);
	if (Hflag) {
		off_t data = 0, hole, end = lseek(fd, 0, SEEK_END);
		int first = 1;

		printf(" ");
		while (data < end && (data = lseek(fd, data, SEEK_DATA)) >= 0) {
			hole = lseek(fd, data, SEEK_HOLE);
			printf("%s%lld+%lld", first ? "" : ",", (long long)data,
			    (long long)(hole - data));
			first = 0;
			data = hole;
		}
		if (first)
			printf("-");
	}
	close(fd);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void describe(const char *path, const char *rel);

static void
walkdir(const char *path, const char *rel)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL, *p, *r;
	size_t n = 0, cap = 0, i;

	if (d == NULL)
		fail("opendir", path);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (exclude != NULL && strcmp(rel, ".") == 0 &&
		    strcmp(de->d_name, exclude) == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				fail("memory", path);
		}
		if ((names[n++] = strdup(de->d_name)) == NULL)
			fail("memory", path);
	}
	if (errno != 0)
		fail("readdir", path);
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		p = malloc(strlen(path) + strlen(names[i]) + 2);
		r = malloc(strlen(rel) + strlen(names[i]) + 2);
		if (p == NULL || r == NULL)
			fail("memory", path);
		sprintf(p, "%s/%s", path, names[i]);
		if (strcmp(rel, ".") == 0)
			strcpy(r, names[i]);
		else
			sprintf(r, "%s/%s", rel, names[i]);
		describe(p, r);
		free(p);
		free(r);
		free(names[i]);
	}
	free(names);
}

static void
describe(const char *path, const char *rel)
{
	struct stat sb;
	char t, target[4096];
	ssize_t n;
	long long frac;

	if (lstat(path, &sb) != 0)
		fail("lstat", path);
	switch (sb.st_mode & S_IFMT) {
	case S_IFDIR: t = 'd'; break;
	case S_IFREG: t = 'f'; break;
	case S_IFLNK: t = 'l'; break;
	case S_IFCHR: t = 'c'; break;
	case S_IFBLK: t = 'b'; break;
	case S_IFIFO: t = 'p'; break;
	case S_IFSOCK: t = 's'; break;
	default: t = '?'; break;
	}
	putesc(rel, strlen(rel));
	frac = sb.st_mtim.tv_nsec;
	if (prec == 6)
		frac /= 1000;
	printf(" %c %04o %lu %lu %lu ", t, (unsigned)(sb.st_mode & 07777),
	    (unsigned long)sb.st_nlink, (unsigned long)sb.st_uid,
	    (unsigned long)sb.st_gid);
	if (t == 'd')
		printf("-");
	else
		printf("%lld", (long long)sb.st_size);
	if (prec < 0)
		printf(" - ");
	else if (prec == 0)
		printf(" %lld ", (long long)sb.st_mtim.tv_sec);
	else
		printf(" %lld.%0*lld ", (long long)sb.st_mtim.tv_sec, prec, frac);
	switch (t) {
	case 'f':
		hashfile(path);
		break;
	case 'l':
		n = readlink(path, target, sizeof(target));
		if (n < 0)
			fail("readlink", path);
		putesc(target, (size_t)n);
		break;
	case 'c':
	case 'b':
		printf("%llu", (unsigned long long)sb.st_rdev);
		break;
	default:
		printf("-");
	}
	if (t != 'd' && sb.st_nlink > 1)
		printf(" L%zu\n", group(&sb));
	else
		printf(" -\n");
	if (t == 'd')
		walkdir(path, rel);
}

int
main(int argc, char *argv[])
{
	int ch;

	while ((ch = getopt(argc, argv, "Hp:x:")) != -1) {
		switch (ch) {
		case 'H':
			Hflag = 1;
			break;
		case 'p':
			prec = strcmp(optarg, "none") == 0 ? -1 :
			    strcmp(optarg, "s") == 0 ? 0 :
			    strcmp(optarg, "ns") == 0 ? 9 : 6;
			break;
		case 'x':
			exclude = optarg;
			break;
		default:
			fprintf(stderr, "usage: fsdesc [-H] [-p none|s|us|ns] "
			    "[-x name] dir\n");
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: fsdesc [-H] [-p none|s|us|ns] [-x name] dir\n");
		return 2;
	}
	describe(argv[optind], ".");
	free(groups);
	return fflush(stdout) == 0 ? 0 : 1;
}
