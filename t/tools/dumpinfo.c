/*
 * dumpinfo: an independent reader of dump streams, for the tests.  It
 * decodes every header itself (it shares no code with the writer but
 * the escaping) and prints one line per header, the inode maps, with -d
 * the entries of every directory on the tape and with -a the extended
 * attributes of every file (struct extattr records, read in the byte
 * order of the headers as restore reads them).  Volumes given as
 * several files are read in order; each must start with TS_TAPE.
 *
 *	dumpinfo [-adm] [-x ino:path] file ...	("-": stdin)
 *
 * -x writes the data of inode ino to path as restore would, holes as
 * holes, without the rest of a restore.
 *
 * Exit status 1 and a message for anything a restore would trip on:
 * a bad checksum or magic, a header missing where one is due, records
 * numbered out of order, a stream without TS_END.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esc.h"

#define TP 1024

static int aflag, dflag, mflag;
static uint32_t xino;		/* -x: the inode to extract */
static int xfd = -1;
static uint64_t xsize;
static unsigned char addr[512];	/* c_addr of the current file header */
static int apos, acount;	/* next entry in it, entries in it */
static uint64_t abase;		/* file entry number of addr[0] */
static int be = -1;
static long long recno;		/* records read, all volumes */
static int64_t expecttapea;
static unsigned char *ea;	/* -a: the extended-attribute area */
static uint32_t easize;		/* its size, c_extsize */
static uint64_t eafirst;	/* file entry of its first record */

static uint32_t
g32(const unsigned char *p)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : (uint32_t)p[3] << 24 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t
g64(const unsigned char *p)
{
	return be ? (uint64_t)g32(p) << 32 | g32(p + 4) :
	    (uint64_t)g32(p + 4) << 32 | g32(p);
}

/* A whole record, or less at the end (a pipe gives less at a time). */
static ssize_t
readrec(int fd, unsigned char *r)
{
	ssize_t n = 0, got;

	while (n < TP && (got = read(fd, r + n, (size_t)(TP - n))) > 0)
		n += got;
	return n;
}

static void
die(const char *m)
{
	fprintf(stderr, "dumpinfo: record %lld: %s\n", recno, m);
	exit(1);
}

static int
ishead(const unsigned char *r)
{
	uint32_t sum = 0, magic;
	int i, b;

	for (b = 0; b <= 1; b++) {
		int save = be;

		be = b;
		magic = g32(r + 24);
		if (magic == 60012 || magic == 0x19540119) {
			for (i = 0; i < TP; i += 4)
				sum += g32(r + i);
			if (sum != 84446) {
				be = save;
				return 0;
			}
			if (save != -1 && save != b)
				die("byte order changes");
			return 1;
		}
		be = save;
	}
	return 0;
}

static void
putmap(const char *name, const unsigned char *map, size_t bytes)
{
	size_t i, a;
	int first = 1;

	printf("map %s", name);
	for (i = 0; i < bytes * 8; i++) {
		if (!(map[i / 8] >> (i % 8) & 1))
			continue;
		for (a = i; i + 1 < bytes * 8 && (map[(i + 1) / 8] >>
		    ((i + 1) % 8) & 1); i++)
			continue;
		if (a == i)
			printf("%s%zu", first ? " " : ",", a + 1);
		else
			printf("%s%zu-%zu", first ? " " : ",", a + 1, i + 1);
		first = 0;
	}
	printf("\n");
}

static void
putdir(uint32_t ino, const unsigned char *d, size_t size)
{
	size_t loc = 0;
	char name[4 * 256 + 2];
	unsigned reclen, namlen;

	while (loc + 8 <= size) {
		reclen = be ? (unsigned)d[loc + 4] << 8 | d[loc + 5] :
		    (unsigned)d[loc + 5] << 8 | d[loc + 4];
		namlen = d[loc + 7];
		if (reclen < 8 || reclen % 4 || loc + reclen > size ||
		    8 + namlen > reclen) {
			printf("dirent %u mangled at %zu\n", ino, loc);
			return;
		}
		if (g32(d + loc) != 0) {
			esc_encode(name, d + loc + 8, namlen);
			printf("dirent %u %u %u %s\n", ino, g32(d + loc),
			    d[loc + 6], name);
		}
		loc += reclen;
	}
}

/*
 * -a: one line per extended attribute of inode ino: name space, name
 * and value (escaped), or where the records stop making sense.
 */
static void
putea(uint32_t ino)
{
	char name[4 * 256 + 2], *val;
	uint32_t loc = 0, len, voff, vlen;
	unsigned padlen, namlen;

	while (loc + 8 <= easize) {
		len = g32(ea + loc);
		namlen = ea[loc + 6];
		padlen = ea[loc + 5];
		voff = (7 + namlen + 7) & ~7u;
		if (len < 8 || len % 8 != 0 || len > easize - loc ||
		    voff + padlen > len) {
			printf("extattr %u mangled at %u (length %u)\n", ino,
			    loc, len);
			return;
		}
		vlen = len - voff - padlen;
		val = malloc(4 * (size_t)vlen + 2);
		if (val == NULL)
			die("out of memory");
		esc_encode(name, ea + loc + 7, namlen);
		esc_encode(val, ea + loc + voff, vlen);
		printf("extattr %u ns=%u %s=%s\n", ino, ea[loc + 4], name, val);
		free(val);
		loc += len;
	}
}

int
main(int argc, char *argv[])
{
	unsigned char r[TP], *map = NULL, *dir = NULL;
	int ch, fd, ended = 0, vol = 0, i;
	uint32_t type, ino = 0, mode = 0, count;
	int64_t due = 0, mapleft = 0, dirleft = 0;
	size_t mapbytes = 0, maplen = 0, dirlen = 0, dircap = 0, dirsize = 0;
	uint64_t size;
	const char *mapname = "";
	ssize_t n;

	while ((ch = getopt(argc, argv, "admx:")) != -1) {
		if (ch == 'a')
			aflag = 1;
		else if (ch == 'd')
			dflag = 1;
		else if (ch == 'm')
			mflag = 1;
		else if (ch == 'x') {
			char *colon = strchr(optarg, ':');

			if (colon == NULL)
				return 2;
			xino = (uint32_t)strtoul(optarg, NULL, 10);
			xfd = open(colon + 1, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (xfd < 0) {
				perror(colon + 1);
				return 1;
			}
		} else
			return 2;
	}
	for (i = optind; i < argc; i++) {
		fd = strcmp(argv[i], "-") == 0 ? dup(0) : open(argv[i], O_RDONLY);
		if (fd < 0) {
			perror(argv[i]);
			return 1;
		}
		vol++;
		for (int first = 1;; first = 0) {
			n = readrec(fd, r);
			if (n == 0)
				break;
			if (n != TP)
				die("partial record");
			/* A volume begins with TS_TAPE, whose c_count says
			 * how many records the last file still owes. */
			if (first && (!ishead(r) || g32(r) != 1))
				die("a volume that does not begin with TS_TAPE");
			if (first && vol > 1 && (int64_t)g32(r + 160) != due)
				die("TS_TAPE c_count is not the records still due");
			if (first && vol > 1 && dirleft > 0)
				dirleft = due;
			if (first)
				due = 0;
			if (ended) {
				if (!ishead(r) || g32(r) != 5)
					die("data after TS_END");
				recno++;
				continue;
			}
			if (due > 0) {
				due--;
				if (mapleft > 0) {
					memcpy(map + maplen, r, TP);
					maplen += TP;
					if (--mapleft == 0 && mflag)
						putmap(mapname, map, mapbytes);
				} else {
					while (apos < acount && addr[apos] == 0)
						apos++;
					if (aflag && abase + (uint64_t)apos >=
					    eafirst && (abase + (uint64_t)apos -
					    eafirst) * TP < easize)
						memcpy(ea + (abase + (uint64_t)
						    apos - eafirst) * TP, r, TP);
					if (xfd >= 0 && ino == xino &&
					    pwrite(xfd, r, TP, (off_t)(abase +
					    (uint64_t)apos) * TP) != TP)
						die("write of -x file");
					apos++;
					if (dirleft > 0) {
						memcpy(dir + dirlen, r, TP);
						dirlen += TP;
						dirleft--;
					}
				}
				recno++;
				expecttapea++;
				continue;
			}
			if (!ishead(r))
				die("no header where one is due");
			type = g32(r);
			if ((int64_t)g64(r + 912) != expecttapea ||
			    (g32(r + 16) != (uint32_t)expecttapea))
				die("c_tapea out of sequence");
			expecttapea++;
			if (type == 1) {
				if (g32(r + 12) != (uint32_t)vol)
					die("volume number is not the file's");
				printf("tape vol=%u date=%" PRId64 " ddate=%" PRId64
				    " level=%u label=%.16s flags=0x%x magic=%u "
				    "count=%u inumber=%u tapea=%" PRIu64
				    " firstrec=%" PRIu64 " oldfirstrec=%u\n",
				    g32(r + 12), (int64_t)g64(r + 896),
				    (int64_t)g64(r + 904), g32(r + 692), r + 676,
				    g32(r + 888), g32(r + 24), g32(r + 160),
				    g32(r + 20), g64(r + 912), g64(r + 920),
				    g32(r + 892));
				if (vol > 1)
					due = g32(r + 160);	/* continuation */
				recno++;
				continue;
			}
			count = g32(r + 160);
			if (type == 3 || type == 6) {
				mapname = type == 6 ? "clri" : "bits";
				printf("%s count=%u\n", mapname, count);
				free(map);
				mapbytes = (size_t)count * TP;
				map = calloc(mapbytes + 1, 1);
				maplen = 0;
				due = mapleft = count;
				if (count == 0 && mflag)
					putmap(mapname, map, 0);
				recno++;
				continue;
			}
			if (type == 5) {
				if (aflag && easize > 0)
					putea(ino);
				easize = 0;
				printf("end tapea=%" PRIu64 "\n", g64(r + 912));
				ended = 1;
				recno++;
				continue;
			}
			if (type != 2 && type != 4)
				die("unknown header type");
			if (count > 512)
				die("c_count over 512 in a file header");
			for (due = 0, n = 0; n < (ssize_t)count; n++)
				due += r[164 + n] != 0;
			abase = type == 2 ? 0 : abase + (uint64_t)acount;
			memcpy(addr, r + 164, 512);
			acount = (int)count;
			apos = 0;
			if (type == 2) {
				if (dflag && dirlen > 0)
					putdir(ino, dir, dirlen < dirsize ?
					    dirlen : dirsize);
				if (aflag && easize > 0)
					putea(ino);
				ino = g32(r + 20);
				mode = be ? (uint32_t)r[32] << 8 | r[33] :
				    (uint32_t)r[33] << 8 | r[32];
				size = g64(r + 40);
				if (ino == xino)
					xsize = size;
				printf("inode %u mode=0%o size=%" PRIu64 " uid=%u "
				    "gid=%u atime=%d.%d mtime=%d.%d rdev=%u "
				    "flags=0x%x extsize=%u count=%u\n", ino, mode,
				    size, g32(r + 144), g32(r + 148),
				    (int)g32(r + 48), (int)g32(r + 52),
				    (int)g32(r + 56), (int)g32(r + 60),
				    g32(r + 72), g32(r + 132),
				    g32(r + 24) == 60012 ? 0 : g32(r + 104),
				    count);
				dirlen = 0;
				dirleft = 0;
				dirsize = (size_t)size;
				easize = g32(r + 24) == 60012 ? 0 : g32(r + 104);
				eafirst = (size + TP - 1) / TP;
				free(ea);
				ea = calloc((size_t)easize + TP, 1);
				if (ea == NULL)
					die("out of memory");
				if ((mode & 0170000) == 0040000 &&
				    size <= 0xfffffff) {
					dirleft = (int64_t)((size + TP - 1) / TP);
					if ((size_t)dirleft * TP > dircap) {
						dircap = (size_t)dirleft * TP;
						dir = realloc(dir, dircap);
						if (dir == NULL)
							die("out of memory");
					}
				}
			} else {
				if (g32(r + 20) != ino)
					die("TS_ADDR for another inode");
				printf("addr %u count=%u\n", ino, count);
			}
			if (dirleft > 0 && due > dirleft)
				die("directory with more records than its size");
			recno++;
		}
		close(fd);
	}
	if (dflag && dirlen > 0)
		putdir(ino, dir, dirlen < dirsize ? dirlen : dirsize);
	if (!ended)
		die("no TS_END");
	if (xfd >= 0 && (ftruncate(xfd, (off_t)xsize) != 0 || close(xfd) != 0))
		die("write of -x file");
	free(map);
	free(dir);
	free(ea);
	return 0;
}
