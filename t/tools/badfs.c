/*
 * badfs: a FUSE file system that serves one image file as MOUNTPOINT/disk
 * and answers EIO to every read touching a chosen byte range, so that a
 * loop device over it is a disk with bad sectors.  Test tool only; needs
 * Linux (or another system with FUSE 3) and libfuse3.
 *
 *	badfs [-b start-end[,start-end...]] [-s bytes] image mountpoint
 *
 * Ranges are byte offsets, end excluded.  With -s, reads of at most
 * that many bytes go through even where they touch a range: a disk
 * whose large reads fail there and whose sector-by-sector retry works
 * (the kernel's own retries are page-sized, so they still fail).  Reads go through with
 * direct_io, so the kernel asks for exactly what its reader asked for
 * and a bad sector fails alone.  badfs returns once the file system is
 * mounted and serves it in the background until it is unmounted
 * (umount or fusermount3 -u).
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXBAD	64
#define DISK	"/disk"

struct range {
	long long	start, end;
};

static struct {
	int		fd;
	long long	size;
	struct range	bad[MAXBAD];
	int		nbad;
	size_t		small;		/* -s: reads this small go through */
} disk;

static int
bf_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (strcmp(path, DISK) == 0) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = (off_t)disk.size;
		return 0;
	}
	return -ENOENT;
}

static int
bf_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
    struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	if (strcmp(path, "/") != 0)
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, &DISK[1], NULL, 0, 0);
	return 0;
}

static int
bf_open(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, DISK) != 0)
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	fi->direct_io = 1;
	return 0;
}

/* Does [off, off + n) touch a bad range, and is it a read that fails? */
static int
isbad(long long off, size_t n)
{
	int i;

	if (n <= disk.small)
		return 0;
	for (i = 0; i < disk.nbad; i++)
		if (off < disk.bad[i].end && off + (long long)n > disk.bad[i].start)
			return 1;
	return 0;
}

static int
bf_read(const char *path, char *buf, size_t n, off_t off,
    struct fuse_file_info *fi)
{
	ssize_t got;

	(void)path;
	(void)fi;
	if (isbad((long long)off, n))
		return -EIO;
	got = pread(disk.fd, buf, n, off);
	return got < 0 ? -errno : (int)got;
}

static const struct fuse_operations ops = {
	.getattr = bf_getattr,
	.readdir = bf_readdir,
	.open = bf_open,
	.read = bf_read,
};

static void
usage(void)
{
	fprintf(stderr, "usage: badfs [-b start-end[,start-end...]] [-s bytes] "
	    "image mountpoint\n");
	exit(1);
}

/* Parse "a-b,c-d" into disk.bad; exits with a message on a bad list. */
static void
parseranges(char *list)
{
	char *p, *end;
	long long a, b;

	for (p = strtok(list, ","); p != NULL; p = strtok(NULL, ",")) {
		a = strtoll(p, &end, 10);
		if (end == p || *end != '-')
			goto bad;
		p = end + 1;
		b = strtoll(p, &end, 10);
		if (end == p || *end != '\0' || a < 0 || b <= a)
			goto bad;
		if (disk.nbad == MAXBAD) {
			fprintf(stderr, "badfs: -b: more than %d ranges\n",
			    MAXBAD);
			exit(1);
		}
		disk.bad[disk.nbad].start = a;
		disk.bad[disk.nbad++].end = b;
	}
	return;
bad:
	fprintf(stderr, "badfs: -b: \"%s\" is not start-end with start below "
	    "end\n", p);
	exit(1);
}

int
main(int argc, char *argv[])
{
	char *fargv[6];
	struct stat st;
	int ch;

	char *end;

	while ((ch = getopt(argc, argv, "b:s:")) != -1) {
		switch (ch) {
		case 'b':
			parseranges(optarg);
			break;
		case 's':
			disk.small = strtoul(optarg, &end, 10);
			if (end == optarg || *end != '\0') {
				fprintf(stderr, "badfs: -s: \"%s\" is not a "
				    "number\n", optarg);
				return 1;
			}
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();
	disk.fd = open(argv[0], O_RDONLY);
	if (disk.fd < 0 || fstat(disk.fd, &st) != 0) {
		fprintf(stderr, "badfs: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	disk.size = (long long)st.st_size;
	/* Single-threaded, read-only, and the loop device's root may read. */
	fargv[0] = "badfs";
	fargv[1] = "-s";
	fargv[2] = "-o";
	fargv[3] = "ro,allow_other,fsname=badfs";
	fargv[4] = argv[1];
	fargv[5] = NULL;
	return fuse_main(5, fargv, &ops, NULL);
}
