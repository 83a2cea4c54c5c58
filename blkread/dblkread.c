/*
 * dblkread: turn dscan's stream (stdin) into a dump stream
 * (stdout) that restore(8) reads: TS_TAPE, the TS_CLRI and TS_BITS maps,
 * TS_INODE and TS_ADDR headers each followed by the data records their
 * c_addr announces, and TS_END.  Data comes straight from the device into
 * the output buffer, one read per run and header.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ask.h"
#include "bitmap.h"
#include "bytes.h"
#include "dir.h"
#include "msg.h"
#include "num.h"
#include "obuf.h"
#include "readahead.h"
#include "spcl.h"
#include "str.h"
#include "stream.h"
#include "ufs.h"
#include "xio.h"

/* Exit statuses, as in dblkread(1). */
#define BR_OK		0	/* a complete dump, every block read */
#define BR_STARTUP	1	/* bad usage, or the device is not the one described */
#define BR_DAMAGED	2	/* complete, but blocks were unreadable (zeros) */
#define BR_BADINPUT	3	/* malformed dscan stream or output error: no TS_END */

#define OBSIZE		(4u << 20)	/* output buffer */
#define CHUNK		((1 + TP_NINDIR) * TP_BSIZE)

struct out {
	int		 devfd;
	char		*devname;
	int		 be;		/* byte order of the headers */
	int		 fsbe;		/* byte order of the file system */
	int		 oldfmt;	/* 4.2BSD directories and inodes */
	enum layout	 layout;
	int		 usec;		/* sub-second times in microseconds */
	int		 rsync;		/* -r: no dates; 2 (-R): no atimes */
	int32_t		 fsize;
	int64_t		 fssize;	/* fragments */
	uint32_t	 maxino;
	struct spcl	 sp;		/* the header being built */
	unsigned char	*ob;		/* output buffer */
	size_t		 oused;		/* bytes of ob ready to go */
	size_t		 hdr;		/* offset of the open chunk's header */
	int		 nslots;	/* c_addr entries in the open chunk */
	int		 ndata;		/* data records in the open chunk */
	int		 headerdue;	/* a TS_INODE header is still owed */
	char		 curtype;
	unsigned long	 errors;
	unsigned long	 maxerrors;	/* -I: read errors before asking */
	unsigned long	 sinceask;	/* read errors since last asked */
	int		 tty;
	unsigned char	*used, *dumped;	/* maps, bit n-1 for inode n */
	uint64_t	 eanext;	/* offset of the next extattr record */
	uint64_t	*omit;		/* directory entries to leave out */
	size_t		 nomit, capomit;
	unsigned long	 eaomitted;	/* files whose extattrs -F nfs left out */
	struct sectorio	 sio;		/* salvage reads */
	struct readahead ra;		/* data reads */
	struct obuf	 obuf;		/* holds ob */
	int		 readercopies;	/* -S */
};

static void
usage(void)
{
	fprintf(stderr, "usage: dblkread [-RrSU] [-d special] [-E le|be] "
	    "[-F ufs2|nfs] [-I errors]\n");
	exit(BR_STARTUP);
}

static void
flushout(struct out *o)
{
	if (o->oused == 0)
		return;
	if (obuf_send(&o->obuf, o->oused) != 0)
		die(BR_BADINPUT, "write:");
	o->ob = obuf_cur(&o->obuf);
	o->oused = 0;
}

/* Room for a whole chunk (header and 512 records) at the end of ob. */
static void
reserve(struct out *o)
{
	if (OBSIZE - o->oused < CHUNK)
		flushout(o);
}

/* Append one header record for type t, numbered as the next record. */
static void
puthead(struct out *o, int32_t t)
{
	reserve(o);
	o->sp.type = t;
	spcl_encode(&o->sp, o->ob + o->oused, o->layout, o->be);
	o->oused += TP_BSIZE;
	o->sp.tapea++;
}

static void
putmap(struct out *o, int32_t t, const unsigned char *map)
{
	size_t bytes = ((size_t)o->maxino + 7) / 8, done, n;
	int32_t count = (int32_t)((bytes + TP_BSIZE - 1) / TP_BSIZE);

	memset(&o->sp.i, 0, sizeof(o->sp.i));
	memset(o->sp.addr, 0, sizeof(o->sp.addr));
	o->sp.inumber = o->maxino - 1;
	o->sp.count = count;
	puthead(o, t);
	o->sp.count = 0;
	for (done = 0; done < (size_t)count * TP_BSIZE; done += n) {
		reserve(o);
		n = (size_t)count * TP_BSIZE - done;
		if (n > CHUNK)
			n = CHUNK;
		memset(o->ob + o->oused, 0, n);
		if (done < bytes)
			memcpy(o->ob + o->oused, map + done,
			    bytes - done < n ? bytes - done : n);
		o->oused += n;
		o->sp.tapea += (int64_t)(n / TP_BSIZE);
	}
}

/* Close the open chunk: fill in its header now that c_addr is known. */
static void
closechunk(struct out *o)
{
	o->sp.type = o->headerdue ? TS_INODE : TS_ADDR;
	o->sp.count = o->nslots;
	spcl_encode(&o->sp, o->ob + o->hdr, o->layout, o->be);
	o->sp.tapea += 1 + o->ndata;
	o->oused = o->hdr + (size_t)(1 + o->ndata) * TP_BSIZE;
	o->headerdue = 0;
	o->nslots = o->ndata = 0;
	memset(o->sp.addr, 0, sizeof(o->sp.addr));
}

static void
openchunk(struct out *o)
{
	reserve(o);
	o->hdr = o->oused;
	o->nslots = o->ndata = 0;
}

/*
 * Rewrite directory entries in p (whole 512-byte directory blocks, at
 * offset off in directory ino) from the file system's byte order to the
 * headers', as restore reads entries in the byte order of the headers.
 */
static void
swapdir(struct out *o, unsigned char *p, size_t len, uint32_t ino,
    uint64_t off)
{
	size_t blk, loc;
	uint16_t reclen;

	for (blk = 0; blk + DIRBLKSIZ <= len; blk += DIRBLKSIZ) {
		for (loc = 0; loc + 8 <= DIRBLKSIZ; loc += reclen) {
			unsigned char *d = p + blk + loc;

			reclen = get16(d + 4, o->fsbe);
			put32(d, get32(d, o->fsbe), o->be);
			put16(d + 4, reclen, o->be);
			if (o->oldfmt)
				put16(d + 6, get16(d + 6, o->fsbe), o->be);
			if (reclen < 8 || reclen % 4 != 0 ||
			    reclen > DIRBLKSIZ - loc) {
				warnmsg("%s: directory inode %u: entry at "
				    "offset %" PRIu64 ": record length %u, %s; "
				    "the rest of its block is left as it is",
				    o->devname, ino, off + blk + loc, reclen,
				    reclen < 8 || reclen % 4 != 0 ?
				    "not a multiple of 4 from 8" :
				    "past the end of its 512-byte block");
				o->errors++;
				break;
			}
		}
	}
}

/*
 * Leave out the entries dscan named (its 'o' lines) from the len
 * bytes of directory at p, offset off in the directory, as the kernel
 * removes an entry: its space joins the entry before it in its 512-byte
 * block, or, first in its block, its inode number becomes 0.  Entries
 * are in the file system's byte order here.
 */
static void
omitentries(struct out *o, unsigned char *p, uint64_t off, uint64_t len,
    uint32_t ino)
{
	size_t i, at, blk, loc, reclen = 0;

	for (i = 0; i < o->nomit; i++) {
		if (o->omit[i] < off || o->omit[i] >= off + len)
			continue;
		at = (size_t)(o->omit[i] - off);
		blk = at - at % DIRBLKSIZ;
		if (at == blk) {
			put32(p + at, 0, o->fsbe);
			continue;
		}
		for (loc = blk; loc < at; loc += reclen) {
			reclen = get16(p + loc + 4, o->fsbe);
			if (reclen == 0 || loc + reclen > at)
				break;
			if (loc + reclen == at) {
				put16(p + loc + 4, (uint16_t)(reclen +
				    get16(p + at + 4, o->fsbe)), o->fsbe);
				break;
			}
		}
		if (loc >= at || loc + reclen != at) {
			/* No entry ends there: clear it in place. */
			warnmsg("%s: directory inode %u: no entry at offset %"
			    PRIu64 " to leave out; its inode number is "
			    "cleared", o->devname, ino, o->omit[i]);
			put32(p + at, 0, o->fsbe);
			o->errors++;
		}
	}
}

/*
 * One more unreadable or misplaced block.  Past -I of them, ask the
 * operator whether to go on, as dump does after 32; with no one to ask,
 * give up: the disk is failing and the dump would be mostly zeros.
 */
static void
baddata(struct out *o)
{
	char q[160];
	int a;

	o->errors++;
	if (o->maxerrors == 0 || ++o->sinceask <= o->maxerrors)
		return;
	warnmsg("%s: more than %lu blocks could not be read", o->devname,
	    o->maxerrors);
	snprintf(q, sizeof(q), "%s: more than %lu unreadable blocks; do you "
	    "want to attempt to continue?", o->devname, o->maxerrors);
	a = ask(o->tty, q);
	if (a != 1)
		die(BR_BADINPUT, "%s: giving up after %lu unreadable blocks%s; "
		    "the dump stream is incomplete (no TS_END)", o->devname,
		    o->errors, a < 0 ? " (no terminal to ask; -I sets the "
		    "limit, 0 for none)" : "");
	o->sinceask = 0;
}

struct lostdata {
	struct out	*o;
	unsigned char	*p;		/* the run's bytes in ob */
	off_t		 base;		/* device byte of the run's start */
	uint64_t	 fileoff;	/* file offset of the same byte */
	uint32_t	 ino;
	int		 dir;		/* directory entries, not data */
};

/*
 * A lost stretch of a directory becomes empty directory blocks (an
 * unused entry spanning each 512-byte block, in the file system's byte
 * order like the rest), so that restore reads the other entries.
 */
static void
emptydirblocks(const struct out *o, unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + DIRBLKSIZ <= len; i += DIRBLKSIZ)
		put16(p + i + 4, DIRBLKSIZ, o->fsbe);
}

/*
 * Sectors of file data could not be read: their bytes are zeros (empty
 * blocks in a directory), each sector counted against -I.
 */
static void
lostdata(void *arg, off_t at, size_t len, unsigned long nsec, int err)
{
	struct lostdata *l = arg;
	struct out *o = l->o;
	uint64_t fileoff = l->fileoff + (uint64_t)(at - l->base);
	const char *what = l->dir ? "empty directory blocks" : "zeros";

	if (l->dir)
		emptydirblocks(o, l->p + (at - l->base), len);
	errno = err;
	if (err != 0)
		warnmsg("%s: inode %u: %zu bytes at byte %lld (fragment %lld, "
		    "file offset %" PRIu64 ") cannot be read; %s written:",
		    o->devname, l->ino, len, (long long)at,
		    (long long)(at / o->fsize), fileoff, what);
	else
		warnmsg("%s: inode %u: %zu bytes at byte %lld (fragment %lld, "
		    "file offset %" PRIu64 ") lie past the end of the device; "
		    "%s written", o->devname, l->ino, len, (long long)at,
		    (long long)(at / o->fsize), fileoff, what);
	while (nsec-- > 0)
		baddata(o);
}

/*
 * After a large read failed: read the run again sector by sector past
 * the cache, so that only the sectors that fail become zeros, as dump
 * does after an error.  A read that fails and then succeeds is said.
 */
static void
salvage(struct out *o, unsigned char *p, size_t len, int64_t frag,
    uint64_t fileoff, uint32_t ino, int dir)
{
	struct lostdata l;
	int err = errno;

	l.o = o;
	l.p = p;
	l.base = (off_t)frag * o->fsize;
	l.fileoff = fileoff;
	l.ino = ino;
	l.dir = dir;
	if (sectorio_salvage(o->sio.buf != NULL ? &o->sio : NULL, o->devfd,
	    o->devname, p, len, l.base, lostdata, &l) == 0)
		warnmsg("%s: inode %u: read of %zu bytes at byte %lld (file "
		    "offset %" PRIu64 ") failed (%s), then read sector by "
		    "sector without error: the disk may be failing",
		    o->devname, ino, len, (long long)l.base, fileoff,
		    err != 0 ? strerror(err) : "short read");
}

/*
 * Read len bytes at fragment frag into p, zeros (empty blocks of a
 * directory: dir) for what fails.  Reads are whole fragments, so whole
 * sectors: a tail's last fragment is read whole and only the file's
 * bytes of it kept.
 */
static void
readdata(struct out *o, unsigned char *p, size_t len, int64_t frag,
    uint64_t fileoff, uint32_t ino, int dir)
{
	if (frag < 0 || frag >= o->fssize ||
	    (uint64_t)(o->fssize - frag) * (uint64_t)o->fsize < len) {
		warnmsg("%s: inode %u: run at fragment %" PRId64 " (%zu bytes "
		    "at file offset %" PRIu64 ") %s the file system (%" PRId64
		    " fragments); zeros written", o->devname, ino, frag, len,
		    fileoff, frag < 0 || frag >= o->fssize ? "lies beyond" :
		    "runs past the end of", o->fssize);
		memset(p, 0, len);
		baddata(o);
		return;
	}
	errno = 0;
	if (ra_read(&o->ra, p, len, (off_t)frag * o->fsize) != (ssize_t)len)
		salvage(o, p, len, frag, fileoff, ino, dir);
}

/*
 * Rewrite the header fields of the extended-attribute records in p (len
 * bytes at offset off of the area) from the file system's byte order to
 * the headers', as restore reads them in the byte order of the headers.
 * A record is struct extattr of <ufs/ufs/extattr.h>: a 32-bit length
 * (a multiple of 8, the record included), then single bytes (name
 * space, padding, name length), the name and the value; only the length
 * has a byte order.  Records start at multiples of 8 and p at a multiple
 * of 1024, so a length never spans two calls.
 */
static void
swapea(struct out *o, unsigned char *p, uint64_t off, uint64_t len,
    uint32_t ino)
{
	uint64_t area = o->sp.i.extsize;
	uint32_t reclen;

	while (o->eanext < area && o->eanext >= off &&
	    o->eanext + 8 <= off + len) {
		unsigned char *r = p + (o->eanext - off);

		reclen = get32(r, o->fsbe);
		if (reclen < 8 || reclen % 8 != 0 ||
		    reclen > area - o->eanext) {
			warnmsg("%s: inode %u: extended attribute at offset %"
			    PRIu64 " of its area has a bad length %" PRIu32
			    "; the rest of the area is left as it is",
			    o->devname, ino, o->eanext, reclen);
			o->errors++;
			o->eanext = area;
			return;
		}
		put32(r, reclen, o->be);
		o->eanext += reclen;
	}
}

/*
 * Add a run of len bytes (a hole when frag is 0) to the file being
 * written, splitting it at chunk boundaries and reading its data
 * directly behind the chunk's header.  ext: the run is part of the
 * extended-attribute area, off counted from the area's start.
 */
static void
addrun(struct out *o, uint32_t ino, uint64_t off, int64_t frag, uint64_t len,
    int ext)
{
	uint64_t slots, n, bytes;
	unsigned char *p;

	while (len > 0) {
		slots = (len + TP_BSIZE - 1) / TP_BSIZE;
		n = (uint64_t)(TP_NINDIR - o->nslots);
		if (n > slots)
			n = slots;
		bytes = n * TP_BSIZE < len ? n * TP_BSIZE : len;
		if (frag == 0) {
			memset(o->sp.addr + o->nslots, 0, (size_t)n);
		} else {
			p = o->ob + o->hdr + (size_t)(1 + o->ndata) * TP_BSIZE;
			readdata(o, p, (size_t)bytes, frag, off, ino,
			    o->curtype == 'd' && !ext);
			memset(p + bytes, 0, (size_t)(n * TP_BSIZE - bytes));
			if (o->curtype == 'd' && !ext && o->nomit > 0)
				omitentries(o, p, off, bytes, ino);
			if (o->curtype == 'd' && o->fsbe != o->be && !ext)
				swapdir(o, p, (size_t)bytes, ino, off);
			if (ext && o->fsbe != o->be)
				swapea(o, p, off, bytes, ino);
			memset(o->sp.addr + o->nslots, 1, (size_t)n);
			o->ndata += (int)n;
			frag += (int64_t)(bytes / (uint64_t)o->fsize);
		}
		o->nslots += (int)n;
		off += bytes;
		len -= bytes;
		if (o->nslots == TP_NINDIR) {
			closechunk(o);
			openchunk(o);
		}
	}
}

static void
putlink(struct out *o, const unsigned char *t, size_t len)
{
	unsigned char *p = o->ob + o->hdr + TP_BSIZE;

	memset(p, 0, TP_BSIZE);
	memcpy(p, t, len);
	o->sp.addr[o->nslots++] = 1;
	o->ndata++;
}

static void
endinode(struct out *o)
{
	if (o->headerdue || o->nslots > 0)
		closechunk(o);
	else
		o->oused = o->hdr;
	o->curtype = 0;
}

static int32_t
subsec(const struct out *o, int32_t nsec)
{
	if (nsec < 0 || nsec >= 1000000000)
		return 0;
	return o->usec ? nsec / 1000 : nsec;
}

static void
startinode(struct out *o, const struct line_inode *ip)
{
	struct spcl *sp = &o->sp;

	sp->inumber = ip->ino;
	sp->i.mode = ip->mode;
	sp->i.nlink = (int16_t)ip->nlink;
	sp->i.size = ip->size;
	sp->i.atime = o->rsync > 1 ? 0 : ip->atime.sec;
	sp->i.atimensec = o->rsync > 1 ? 0 : subsec(o, ip->atime.nsec);
	sp->i.mtime = ip->mtime.sec;
	sp->i.mtimensec = subsec(o, ip->mtime.nsec);
	sp->i.ctime = ip->ctime.sec;
	sp->i.ctimensec = subsec(o, ip->ctime.nsec);
	sp->i.birthtime = ip->birthtime.sec;
	sp->i.birthtimensec = subsec(o, ip->birthtime.nsec);
	sp->i.rdev = (uint32_t)ip->rdev;
	sp->i.extsize = o->layout == LAYOUT_NFS ? 0 : ip->extsize;
	if (o->layout == LAYOUT_NFS && ip->extsize > 0)
		o->eaomitted++;
	o->eanext = 0;
	o->nomit = 0;
	sp->i.file_flags = ip->flags;
	sp->i.blocks = ip->blocks;
	sp->i.gen = ip->gen;
	sp->i.uid = ip->uid;
	sp->i.gid = ip->gid;
	memset(sp->addr, 0, sizeof(sp->addr));
	o->headerdue = 1;
	o->curtype = ip->type;
	openchunk(o);
}

static void
setrange(unsigned char *m, uint32_t a, uint32_t b)
{
	uint32_t i;

	for (i = a; i <= b; i++)
		bm_set(m, i - 1);
}

/* Is the device the file system the stream describes? */
static void
checkdevice(struct out *o, const struct line_header *h)
{
	int same = ufs_samefs(o->devfd, h->sblock, h->ufs2, h->be, h->fsid);

	if (same < 0)
		die(BR_STARTUP, "%s: cannot read the superblock at byte %"
		    PRId64 ":", o->devname, h->sblock);
	if (!same)
		die(BR_STARTUP, "%s: not the file system the stream describes "
		    "(superblock at byte %" PRId64 " has another magic or "
		    "fs_id than %08x:%08x)", o->devname, h->sblock,
		    h->fsid[0], h->fsid[1]);
}

static void
begin(struct out *o, const struct line_header *h, const char *dev,
    int forcelayout, int forcebe)
{
	struct spcl *sp = &o->sp;

	/* h lives in the reader's line buffer: keep our own copy. */
	o->devname = strdup(dev != NULL ? dev : h->dev);
	if (o->devname == NULL)
		die(BR_STARTUP, "out of memory");
	o->devfd = open(o->devname, O_RDONLY);
	if (o->devfd < 0)
		die(BR_STARTUP, "%s:", o->devname);
	checkdevice(o, h);
	/* Without it, salvage reads 512 bytes at a time through devfd. */
	(void)sectorio_open(&o->sio, o->devname, (size_t)h->fsize);
	o->layout = forcelayout >= 0 ? (enum layout)forcelayout :
	    h->ufs2 ? LAYOUT_UFS2 : LAYOUT_NFS;
	o->fsbe = h->be;
	o->be = forcebe;
	o->fsize = h->fsize;
	o->fssize = h->fssize;
	o->maxino = h->maxino;
	o->oldfmt = h->oldinofmt;
	o->used = bm_new(h->maxino);
	o->dumped = bm_new(h->maxino);
	if (o->used == NULL || o->dumped == NULL ||
	    obuf_open(&o->obuf, STDOUT_FILENO, OBSIZE, o->readercopies) != 0 ||
	    ra_open(&o->ra, o->devfd, (size_t)h->fsize,
	    (off_t)h->fssize * h->fsize) != 0)
		die(BR_STARTUP, "out of memory for %u inodes", h->maxino);
	o->ob = obuf_cur(&o->obuf);
	memset(sp, 0, sizeof(*sp));
	/* -r: the same files make the same bytes, whenever dumped. */
	sp->date = o->rsync ? 0 : h->date;
	sp->ddate = o->rsync ? 0 : h->ddate;
	sp->volume = 1;
	sp->level = h->level;
	strcopy(sp->label, sizeof(sp->label), h->label);
	strcopy(sp->filesys, sizeof(sp->filesys), h->fsname);
	strcopy(sp->dev, sizeof(sp->dev), h->dev);
	strcopy(sp->host, sizeof(sp->host), h->host);
	sp->flags = o->oldfmt ? 0 : DR_NEWINODEFMT;
	sp->estimate = (int64_t)h->blocks;
}

static void
putmaps(struct out *o)
{
	o->sp.flags |= DR_NEWHEADER;
	o->sp.inumber = 0;
	puthead(o, TS_TAPE);
	o->sp.flags &= ~DR_NEWHEADER;
	o->sp.estimate = 0;
	putmap(o, TS_CLRI, o->used);
	putmap(o, TS_BITS, o->dumped);
}

static int
hostbe(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 0;
}

/*
 * No byte at all on stdin: nothing to do and nothing written.  From a
 * pipe that means the stage before failed to start and has said why, so
 * say nothing more; from a file, say it.
 */
static int
emptyinput(void)
{
	struct stat sb;
	int c;

	if ((c = getc(stdin)) != EOF) {
		ungetc(c, stdin);
		return 0;
	}
	if (ferror(stdin))
		return 0;	/* the reader reports it */
	if (fstat(STDIN_FILENO, &sb) != 0 || !S_ISFIFO(sb.st_mode))
		warnmsg("stdin: empty: no dscan stream; nothing written");
	return 1;
}

int
main(int argc, char *argv[])
{
	static struct out o;
	static struct streamreader sr;
	static struct line ln;
	const char *dev = NULL;
	int ch, n, layout = -1, be = hostbe(), mapsdone = 0;
	uint64_t upstream = 0;

	setprogname_(argv[0]);
	bigpipe(STDIN_FILENO);
	bigpipe(STDOUT_FILENO);
	/* A pipeline stage run in the background inherits SIGINT ignored:
	 * an interrupt must still stop it, unless dump asks the operator
	 * first (DUMP_ASKS_INT, see dump(8)). */
	if (!ask_onint())
		signal(SIGINT, SIG_DFL);
	o.maxerrors = 32;
	while ((ch = getopt(argc, argv, "d:E:F:I:RrSU")) != -1) {
		switch (ch) {
		case 'd':
			dev = optarg;
			break;
		case 'E':
			if (strcmp(optarg, "le") != 0 && strcmp(optarg, "be") != 0)
				die(BR_STARTUP, "-E: byte order \"%s\" is not "
				    "le or be", optarg);
			be = strcmp(optarg, "be") == 0;
			break;
		case 'F':
			if (strcmp(optarg, "ufs2") == 0)
				layout = LAYOUT_UFS2;
			else if (strcmp(optarg, "nfs") == 0)
				layout = LAYOUT_NFS;
			else
				die(BR_STARTUP, "-F: header layout \"%s\" is not "
				    "ufs2 or nfs", optarg);
			break;
		case 'I':
			o.maxerrors = (unsigned long)numarg(optarg, "-I", 0,
			    1000000000);
			break;
		case 'R':
			o.rsync = 2;
			break;
		case 'r':
			if (o.rsync == 0)
				o.rsync = 1;
			break;
		case 'S':
			o.readercopies = 1;
			break;
		case 'U':
			o.usec = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc != 0)
		usage();

	o.tty = ask_open();
	if (emptyinput())
		return BR_STARTUP;
	stream_reader_init(&sr, stdin, "stdin");
	while ((n = stream_read(&sr, &ln)) > 0) {
		switch (ln.type) {
		case LN_HEADER:
			begin(&o, &ln.u.h, dev, layout, be);
			break;
		case LN_USED:
			setrange(o.used, ln.u.range.first, ln.u.range.last);
			break;
		case LN_DUMPED:
			setrange(o.dumped, ln.u.range.first, ln.u.range.last);
			break;
		case LN_INODE:
			if (!mapsdone++)
				putmaps(&o);
			if (o.curtype != 0)
				endinode(&o);
			if (!bm_isset(o.dumped, ln.u.i.ino - 1))
				die(BR_BADINPUT, "stdin: line %" PRIu64 ": inode "
				    "%u is not in the dumped-inode map",
				    sr.lineno, ln.u.i.ino);
			startinode(&o, &ln.u.i);
			break;
		case LN_EXT:
			/* The 4.4BSD layout has no c_extsize: a restore
			 * would take the area for more of the file. */
			if (o.layout == LAYOUT_NFS)
				break;
			/* FALLTHROUGH */
		case LN_DATA:
			addrun(&o, ln.u.data.ino, ln.u.data.run.off,
			    ln.u.data.run.frag, ln.u.data.run.len,
			    ln.type == LN_EXT);
			break;
		case LN_LINK:
			putlink(&o, ln.u.str.bytes, ln.u.str.len);
			break;
		case LN_NAME:
			break;
		case LN_OMIT:
			if (o.nomit == o.capomit) {
				o.capomit = o.capomit ? 2 * o.capomit : 16;
				o.omit = realloc(o.omit, o.capomit *
				    sizeof(*o.omit));
				if (o.omit == NULL)
					die(BR_STARTUP, "out of memory");
			}
			o.omit[o.nomit++] = ln.u.omit.off;
			break;
		case LN_END:
			if (!mapsdone++)
				putmaps(&o);
			if (o.curtype != 0)
				endinode(&o);
			upstream = ln.u.end.errors;
			memset(&o.sp.i, 0, sizeof(o.sp.i));
			memset(o.sp.addr, 0, sizeof(o.sp.addr));
			o.sp.count = 0;
			o.sp.inumber = o.maxino - 1;
			puthead(&o, TS_END);
			break;
		}
	}
	if (n < 0)
		die(BR_BADINPUT, "%s; the dump stream is incomplete (no TS_END)",
		    sr.err);
	flushout(&o);
	if (o.eaomitted > 0)
		warnmsg("%s: the extended attributes of %lu file%s are left "
		    "out: the 4.4BSD header layout (-F nfs) has no room for "
		    "them", o.devname, o.eaomitted, o.eaomitted == 1 ? "" : "s");
	if (o.errors > 0 || upstream > 0) {
		warnmsg("%lu unreadable or damaged blocks here, %" PRIu64
		    " errors reported by the scan; the dump is complete but "
		    "not faithful", o.errors, upstream);
		return BR_DAMAGED;
	}
	return BR_OK;
}
