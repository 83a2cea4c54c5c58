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
#include <limits.h>
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
#define BR_STARTUP	1	/* bad usage, or not the device described */
#define BR_DAMAGED	2	/* complete, but blocks were unreadable */
#define BR_BADINPUT	3	/* malformed or cut-short dscan stream */
#define BR_FAILED	4	/* output error, memory, or gave up */

#define OBSIZE		(4u << 20)	/* output buffer */
#define CHUNK		((1 + TP_NINDIR) * TP_BSIZE)
#define DEFER_MIN	(64u << 10)	/* the least data left to splice */

/* The device the runs are read from, the input besides the stream. */
struct device {
	int		 fd;
	char		*name;
	int		 be;		/* byte order of the file system */
	int		 oldfmt;	/* 4.2BSD directories and inodes */
	int32_t		 fsize;
	int64_t		 fssize;	/* fragments */
	struct sectorio	 sio;		/* sector-by-sector rereads */
	struct readahead ra;		/* data reads */
};

/* The dump stream being built in the output buffer. */
struct dumpstream {
	int		 be;		/* byte order of the headers */
	enum layout	 layout;
	struct spcl	 sp;		/* the header being built */
	unsigned char	*ob;		/* output buffer */
	size_t		 oused;		/* bytes of ob ready to go */
	size_t		 hdr;		/* offset of the open chunk's header */
	int		 nslots;	/* c_addr entries in the open chunk */
	int		 ndata;		/* data records in the open chunk */
	int		 headerdue;	/* a TS_INODE header is still owed */
	struct obuf	 obuf;		/* holds ob */
};

/* Everything one run of dblkread keeps, from the stream to the dump. */
struct blkread {
	struct device	 dev;
	struct dumpstream ds;
	/* from the command line */
	const char	*devarg;	/* -d, or NULL for the header's */
	int		 forcelayout;	/* -F, or -1 for the file system's */
	int		 usec;		/* sub-second times in microseconds */
	int		 rsync;		/* -r: no dates; 2 (-R): no atimes */
	unsigned long	 maxerrors;	/* -I: read errors before asking */
	int		 readercopies;	/* -S */
	int		 hofd;		/* -H: the hand-off's file, or -1 */
	/* the dscan stream read so far */
	uint64_t	 lineno;	/* of the line being handled */
	uint32_t	 maxino;
	unsigned char	*used, *dumped;	/* maps, bit n-1 for inode n */
	int		 mapsdone;	/* TS_TAPE and the maps are out */
	uint64_t	 upstream;	/* errors dscan reported */
	/* the file being written */
	char		 curtype;	/* its type letter, 0 between files */
	uint64_t	 eanext;	/* offset of the next extattr record */
	uint64_t	*omit;		/* directory entries to leave out */
	size_t		 nomit, capomit;
	/* what went wrong */
	unsigned long	 errors;
	unsigned long	 sinceask;	/* read errors since last asked */
	int		 tty;
	unsigned long	 eaomitted;	/* files whose extattrs -F nfs left out */
};

static void
usage(void)
{
	fprintf(stderr, "usage: dblkread [-RrSU] [-d special] [-E le|be] "
	    "[-F ufs2|nfs] [-H fd] [-I errors]\n");
	exit(BR_STARTUP);
}

static void
flushout(struct dumpstream *ds)
{
	if (ds->oused == 0)
		return;
	if (obuf_send(&ds->obuf, ds->oused) != 0)
		die(BR_FAILED, "write:");
	ds->ob = obuf_cur(&ds->obuf);
	ds->oused = 0;
}

/* Room for a whole chunk (header and 512 records) at the end of ob. */
static void
reserve(struct dumpstream *ds)
{
	if (OBSIZE - ds->oused < CHUNK)
		flushout(ds);
}

/* Append one header record for type t, numbered as the next record. */
static void
puthead(struct dumpstream *ds, int32_t t)
{
	reserve(ds);
	ds->sp.type = t;
	spcl_encode(&ds->sp, ds->ob + ds->oused, ds->layout, ds->be);
	ds->oused += TP_BSIZE;
	ds->sp.tapea++;
}

/*
 * Append an inode map (TS_CLRI or TS_BITS, type t) of maxino bits: its
 * header, then the map in as many zero-padded records as it takes.
 */
static void
putinomap(struct dumpstream *ds, int32_t t, const unsigned char *map,
    uint32_t maxino)
{
	size_t bytes = ((size_t)maxino + 7) / 8, done, n;
	int32_t count = (int32_t)((bytes + TP_BSIZE - 1) / TP_BSIZE);

	memset(&ds->sp.i, 0, sizeof(ds->sp.i));
	memset(ds->sp.addr, 0, sizeof(ds->sp.addr));
	ds->sp.inumber = maxino - 1;
	ds->sp.count = count;
	puthead(ds, t);
	ds->sp.count = 0;
	for (done = 0; done < (size_t)count * TP_BSIZE; done += n) {
		reserve(ds);
		n = (size_t)count * TP_BSIZE - done;
		if (n > CHUNK)
			n = CHUNK;
		memset(ds->ob + ds->oused, 0, n);
		if (done < bytes)
			memcpy(ds->ob + ds->oused, map + done,
			    bytes - done < n ? bytes - done : n);
		if (count >= SPCL_MOVEMIN)
			obuf_copy(&ds->obuf, ds->oused, n);
		ds->oused += n;
		ds->sp.tapea += (int64_t)(n / TP_BSIZE);
	}
}

/* Close the open chunk: fill in its header now that c_addr is known. */
static void
closechunk(struct dumpstream *ds)
{
	ds->sp.type = ds->headerdue ? TS_INODE : TS_ADDR;
	ds->sp.count = ds->nslots;
	spcl_encode(&ds->sp, ds->ob + ds->hdr, ds->layout, ds->be);
	/* data a reader may move on unread: never lent (obuf.c) */
	if (ds->ndata >= SPCL_MOVEMIN)
		obuf_copy(&ds->obuf, ds->hdr + TP_BSIZE,
		    (size_t)ds->ndata * TP_BSIZE);
	ds->sp.tapea += 1 + ds->ndata;
	ds->oused = ds->hdr + (size_t)(1 + ds->ndata) * TP_BSIZE;
	ds->headerdue = 0;
	ds->nslots = ds->ndata = 0;
	memset(ds->sp.addr, 0, sizeof(ds->sp.addr));
}

static void
openchunk(struct dumpstream *ds)
{
	reserve(ds);
	ds->hdr = ds->oused;
	ds->nslots = ds->ndata = 0;
}

/*
 * Rewrite directory entries in p (whole 512-byte directory blocks, at
 * offset off in directory ino) from the file system's byte order to the
 * headers', as restore reads entries in the byte order of the headers.
 */
static void
swapdir(struct blkread *b, unsigned char *p, size_t len, uint32_t ino,
    uint64_t off)
{
	int fsbe = b->dev.be, be = b->ds.be;
	size_t blk, loc;
	uint16_t reclen;

	for (blk = 0; blk + DIRBLKSIZ <= len; blk += DIRBLKSIZ) {
		for (loc = 0; loc + 8 <= DIRBLKSIZ; loc += reclen) {
			unsigned char *d = p + blk + loc;

			reclen = get16(d + 4, fsbe);
			put32(d, get32(d, fsbe), be);
			put16(d + 4, reclen, be);
			if (b->dev.oldfmt)
				put16(d + 6, get16(d + 6, fsbe), be);
			if (reclen < 8 || reclen % 4 != 0 ||
			    reclen > DIRBLKSIZ - loc) {
				warnmsg("%s: directory inode %u: entry at "
				    "offset %" PRIu64 ": record length %u, %s; "
				    "the rest of its block is left as it is",
				    b->dev.name, ino, off + blk + loc, reclen,
				    reclen < 8 || reclen % 4 != 0 ?
				    "not a multiple of 4 from 8" :
				    "past the end of its 512-byte block");
				b->errors++;
				break;
			}
		}
	}
}

/*
 * Leave out the entry at byte at of the directory bytes p (its offset
 * in its 512-byte block not 0) as the kernel removes an entry: its space
 * joins the entry before it.  Returns -1 if no entry ends at at.
 */
static int
joinprevious(unsigned char *p, size_t at, int fsbe)
{
	size_t blk = at - at % DIRBLKSIZ, loc, reclen;

	for (loc = blk; loc < at; loc += reclen) {
		reclen = get16(p + loc + 4, fsbe);
		if (reclen == 0 || loc + reclen > at)
			return -1;
		if (loc + reclen == at) {
			put16(p + loc + 4, (uint16_t)(reclen +
			    get16(p + at + 4, fsbe)), fsbe);
			return 0;
		}
	}
	return -1;
}

/*
 * Leave out the entries dscan named (its 'o' lines) from the len
 * bytes of directory at p, offset off in the directory: joined to the
 * entry before in its 512-byte block or, first in its block, with its
 * inode number made 0.  Entries are in the file system's byte order here.
 */
static void
omitentries(struct blkread *b, unsigned char *p, uint64_t off, uint64_t len,
    uint32_t ino)
{
	int fsbe = b->dev.be;
	size_t i, at;

	for (i = 0; i < b->nomit; i++) {
		if (b->omit[i] < off || b->omit[i] >= off + len)
			continue;
		at = (size_t)(b->omit[i] - off);
		if (at % DIRBLKSIZ == 0) {
			put32(p + at, 0, fsbe);
		} else if (joinprevious(p, at, fsbe) != 0) {
			/* No entry ends there: clear it in place. */
			warnmsg("%s: directory inode %u: no entry at offset %"
			    PRIu64 " to leave out; its inode number is "
			    "cleared", b->dev.name, ino, b->omit[i]);
			put32(p + at, 0, fsbe);
			b->errors++;
		}
	}
}

/*
 * One more unreadable or misplaced block.  Past -I of them, ask the
 * operator whether to go on, as dump does after 32; with no one to ask,
 * give up: the disk is failing and the dump would be mostly zeros.
 */
static void
baddata(struct blkread *b)
{
	char q[160];
	int a;

	b->errors++;
	if (b->maxerrors == 0 || ++b->sinceask <= b->maxerrors)
		return;
	warnmsg("%s: more than %lu blocks could not be read", b->dev.name,
	    b->maxerrors);
	snprintf(q, sizeof(q), "%s: more than %lu unreadable blocks; do you "
	    "want to attempt to continue?", b->dev.name, b->maxerrors);
	a = ask(b->tty, q);
	if (a != 1)
		die(BR_FAILED, "%s: giving up after %lu unreadable blocks%s; "
		    "the dump stream is incomplete (no TS_END)", b->dev.name,
		    b->errors, a < 0 ? " (no terminal to ask; -I sets the "
		    "limit, 0 for none)" : "");
	b->sinceask = 0;
}

struct lostdata {
	struct blkread	*b;
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
emptydirblocks(const struct device *dev, unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + DIRBLKSIZ <= len; i += DIRBLKSIZ)
		put16(p + i + 4, DIRBLKSIZ, dev->be);
}

/*
 * Sectors of file data could not be read: their bytes are zeros (empty
 * blocks in a directory), each sector counted against -I.
 */
static void
lostdata(void *arg, off_t at, size_t len, unsigned long nsec, int err)
{
	struct lostdata *l = arg;
	struct blkread *b = l->b;
	uint64_t fileoff = l->fileoff + (uint64_t)(at - l->base);
	const char *what = l->dir ? "empty directory blocks" : "zeros";

	if (l->dir)
		emptydirblocks(&b->dev, l->p + (at - l->base), len);
	errno = err;
	if (err != 0)
		warnmsg("%s: inode %u: %zu bytes at byte %lld (fragment %lld, "
		    "file offset %" PRIu64 ") cannot be read; %s written:",
		    b->dev.name, l->ino, len, (long long)at,
		    (long long)(at / b->dev.fsize), fileoff, what);
	else
		warnmsg("%s: inode %u: %zu bytes at byte %lld (fragment %lld, "
		    "file offset %" PRIu64 ") lie past the end of the device; "
		    "%s written", b->dev.name, l->ino, len, (long long)at,
		    (long long)(at / b->dev.fsize), fileoff, what);
	while (nsec-- > 0)
		baddata(b);
}

/*
 * After a large read failed: read the run again sector by sector past
 * the cache, so that only the sectors that fail become zeros, as dump
 * does after an error.  A read that fails and then succeeds is said.
 */
static void
rereadsectors(struct blkread *b, unsigned char *p, size_t len, int64_t frag,
    uint64_t fileoff, uint32_t ino, int dir)
{
	struct device *dev = &b->dev;
	struct lostdata l;
	int err = errno;

	l.b = b;
	l.p = p;
	l.base = (off_t)frag * dev->fsize;
	l.fileoff = fileoff;
	l.ino = ino;
	l.dir = dir;
	if (sectorio_salvage(dev->sio.buf != NULL ? &dev->sio : NULL, dev->fd,
	    dev->name, p, len, l.base, lostdata, &l) == 0)
		warnmsg("%s: inode %u: read of %zu bytes at byte %lld (file "
		    "offset %" PRIu64 ") failed (%s), then read sector by "
		    "sector without error: the disk may be failing",
		    dev->name, ino, len, (long long)l.base, fileoff,
		    err != 0 ? strerror(err) : "short read");
}

/* Do len bytes from fragment frag lie inside the file system? */
static int
insidefs(const struct device *dev, int64_t frag, uint64_t len)
{
	return frag >= 0 && frag < dev->fssize &&
	    (uint64_t)(dev->fssize - frag) * (uint64_t)dev->fsize >= len;
}

/*
 * Read len bytes at fragment frag into p, zeros (empty blocks of a
 * directory: dir) for what fails.  Reads are whole fragments, so whole
 * sectors: a tail's last fragment is read whole and only the file's
 * bytes of it kept.
 */
static void
readdata(struct blkread *b, unsigned char *p, size_t len, int64_t frag,
    uint64_t fileoff, uint32_t ino, int dir)
{
	const struct device *dev = &b->dev;

	if (!insidefs(dev, frag, len)) {
		warnmsg("%s: inode %u: run at fragment %" PRId64 " (%zu bytes "
		    "at file offset %" PRIu64 ") %s the file system (%" PRId64
		    " fragments); zeros written", dev->name, ino, frag, len,
		    fileoff, frag < 0 || frag >= dev->fssize ? "lies beyond" :
		    "runs past the end of", dev->fssize);
		memset(p, 0, len);
		baddata(b);
		return;
	}
	errno = 0;
	if (ra_read(&b->dev.ra, p, len, (off_t)frag * dev->fsize) !=
	    (ssize_t)len)
		rereadsectors(b, p, len, frag, fileoff, ino, dir);
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
swapea(struct blkread *b, unsigned char *p, uint64_t off, uint64_t len,
    uint32_t ino)
{
	uint64_t area = b->ds.sp.i.extsize;
	uint32_t reclen;

	while (b->eanext < area && b->eanext >= off &&
	    b->eanext + 8 <= off + len) {
		unsigned char *r = p + (b->eanext - off);

		reclen = get32(r, b->dev.be);
		if (reclen < 8 || reclen % 8 != 0 ||
		    reclen > area - b->eanext) {
			warnmsg("%s: inode %u: extended attribute at offset %"
			    PRIu64 " of its area has a bad length %" PRIu32
			    "; the rest of the area is left as it is",
			    b->dev.name, ino, b->eanext, reclen);
			b->errors++;
			b->eanext = area;
			return;
		}
		put32(r, reclen, b->ds.be);
		b->eanext += reclen;
	}
}

/*
 * A deferred stretch of file data that the device would not splice:
 * read it as any other (obuf_readfn).
 */
static void
readdeferred(void *arg, unsigned char *p, size_t len, off_t off, uint32_t ino,
    uint64_t fileoff)
{
	struct blkread *b = arg;

	readdata(b, p, len, (int64_t)(off / b->dev.fsize), fileoff, ino, 0);
}

/*
 * Leave the whole records of a large run of file data at fragment frag
 * (p, bytes long) to be spliced from the device when the buffer is sent
 * (obuf_defer): they then never cross dblkread.  Only file data, which
 * goes out as it is, and only runs that lie inside the file system.
 * Returns the bytes left so, a multiple of the fragment and the record.
 */
static uint64_t
deferdata(struct blkread *b, unsigned char *p, uint64_t bytes, int64_t frag,
    uint64_t off, uint32_t ino)
{
	struct device *dev = &b->dev;
	uint64_t unit = (uint64_t)dev->fsize > TP_BSIZE ?
	    (uint64_t)dev->fsize : TP_BSIZE, whole = bytes - bytes % unit;

	if (whole < DEFER_MIN || !insidefs(dev, frag, whole))
		return 0;
	if (obuf_defer(&b->ds.obuf, (size_t)(p - b->ds.ob), (size_t)whole,
	    (off_t)frag * dev->fsize, ino, off) != 0)
		return 0;
	ra_advise(&dev->ra, (off_t)frag * dev->fsize);
	return whole;
}

/*
 * Read bytes of a run at fragment frag (file offset off) into p, and
 * make them what restore reads: entries left out and byte-swapped in a
 * directory, lengths byte-swapped in the extended-attribute area (ext).
 * A large run of a file's data is left to be spliced (deferdata).
 */
static void
putdata(struct blkread *b, unsigned char *p, uint64_t bytes, int64_t frag,
    uint64_t off, uint32_t ino, int ext)
{
	int dir = b->curtype == 'd' && !ext;
	uint64_t later = 0;

	if (!dir && !ext &&
	    (later = deferdata(b, p, bytes, frag, off, ino)) == bytes)
		return;
	p += later;
	bytes -= later;
	frag += (int64_t)(later / (uint64_t)b->dev.fsize);
	off += later;
	readdata(b, p, (size_t)bytes, frag, off, ino, dir);
	if (dir && b->nomit > 0)
		omitentries(b, p, off, bytes, ino);
	if (dir && b->dev.be != b->ds.be)
		swapdir(b, p, (size_t)bytes, ino, off);
	if (ext && b->dev.be != b->ds.be)
		swapea(b, p, off, bytes, ino);
}

/*
 * Add a run of len bytes (a hole when frag is 0) to the file being
 * written, splitting it at chunk boundaries and reading its data
 * directly behind the chunk's header.  ext: the run is part of the
 * extended-attribute area, off counted from the area's start.
 */
static void
addrun(struct blkread *b, uint32_t ino, uint64_t off, int64_t frag,
    uint64_t len, int ext)
{
	struct dumpstream *ds = &b->ds;
	uint64_t slots, n, bytes;
	unsigned char *p;

	while (len > 0) {
		slots = (len + TP_BSIZE - 1) / TP_BSIZE;
		n = (uint64_t)(TP_NINDIR - ds->nslots);
		if (n > slots)
			n = slots;
		bytes = n * TP_BSIZE < len ? n * TP_BSIZE : len;
		if (frag == 0) {
			memset(ds->sp.addr + ds->nslots, 0, (size_t)n);
		} else {
			p = ds->ob + ds->hdr +
			    (size_t)(1 + ds->ndata) * TP_BSIZE;
			putdata(b, p, bytes, frag, off, ino, ext);
			memset(p + bytes, 0, (size_t)(n * TP_BSIZE - bytes));
			memset(ds->sp.addr + ds->nslots, 1, (size_t)n);
			ds->ndata += (int)n;
			frag += (int64_t)(bytes / (uint64_t)b->dev.fsize);
		}
		ds->nslots += (int)n;
		off += bytes;
		len -= bytes;
		if (ds->nslots == TP_NINDIR) {
			closechunk(ds);
			openchunk(ds);
		}
	}
}

static void
endinode(struct blkread *b)
{
	struct dumpstream *ds = &b->ds;

	if (ds->headerdue || ds->nslots > 0)
		closechunk(ds);
	else
		ds->oused = ds->hdr;
	b->curtype = 0;
}

static int32_t
subsec(const struct blkread *b, int32_t nsec)
{
	if (nsec < 0 || nsec >= 1000000000)
		return 0;
	return b->usec ? nsec / 1000 : nsec;
}

/* Make sp's inode fields those of ip, as -R, -U and -F nfs have them. */
static void
setinode(struct blkread *b, struct spcl *sp, const struct line_inode *ip)
{
	sp->inumber = ip->ino;
	sp->i.mode = ip->mode;
	sp->i.nlink = (int16_t)ip->nlink;
	sp->i.size = ip->size;
	sp->i.atime = b->rsync > 1 ? 0 : ip->atime.sec;
	sp->i.atimensec = b->rsync > 1 ? 0 : subsec(b, ip->atime.nsec);
	sp->i.mtime = ip->mtime.sec;
	sp->i.mtimensec = subsec(b, ip->mtime.nsec);
	sp->i.ctime = ip->ctime.sec;
	sp->i.ctimensec = subsec(b, ip->ctime.nsec);
	sp->i.birthtime = ip->birthtime.sec;
	sp->i.birthtimensec = subsec(b, ip->birthtime.nsec);
	sp->i.rdev = (uint32_t)ip->rdev;
	sp->i.extsize = b->ds.layout == LAYOUT_NFS ? 0 : ip->extsize;
	sp->i.file_flags = ip->flags;
	sp->i.blocks = ip->blocks;
	sp->i.gen = ip->gen;
	sp->i.uid = ip->uid;
	sp->i.gid = ip->gid;
	memset(sp->addr, 0, sizeof(sp->addr));
}

static void
startinode(struct blkread *b, const struct line_inode *ip)
{
	setinode(b, &b->ds.sp, ip);
	if (b->ds.layout == LAYOUT_NFS && ip->extsize > 0)
		b->eaomitted++;
	b->eanext = 0;
	b->nomit = 0;
	b->ds.headerdue = 1;
	b->curtype = ip->type;
	openchunk(&b->ds);
}

/* Is the device the file system the stream describes? */
static void
checkdevice(const struct device *dev, const struct line_header *h)
{
	int same = ufs_samefs(dev->fd, h->sblock, h->ufs2, h->be, h->fsid);

	if (same < 0)
		die(BR_STARTUP, "%s: cannot read the superblock at byte %"
		    PRId64 ":", dev->name, h->sblock);
	if (!same)
		die(BR_STARTUP, "%s: not the file system the stream describes "
		    "(superblock at byte %" PRId64 " has another magic or "
		    "fs_id than %08x:%08x)", dev->name, h->sblock,
		    h->fsid[0], h->fsid[1]);
}

/* Open the device the header names (or -d), if it is that file system. */
static void
opendevice(struct device *dev, const struct line_header *h, const char *name)
{
	/* h lives in the reader's line buffer: keep our own copy. */
	dev->name = strdup(name != NULL ? name : h->dev);
	if (dev->name == NULL)
		die(BR_STARTUP, "out of memory");
	dev->fd = open(dev->name, O_RDONLY);
	if (dev->fd < 0)
		die(BR_STARTUP, "%s:", dev->name);
	checkdevice(dev, h);
	/* Without it, rereads go 512 bytes at a time through fd. */
	(void)sectorio_open(&dev->sio, dev->name, (size_t)h->fsize);
	dev->be = h->be;
	dev->fsize = h->fsize;
	dev->fssize = h->fssize;
	dev->oldfmt = h->oldinofmt;
}

/* The header line: open the device, and start TS_TAPE's header. */
static void
onheader(struct blkread *b, const struct line *ln)
{
	const struct line_header *h = &ln->u.h;
	struct spcl *sp = &b->ds.sp;

	opendevice(&b->dev, h, b->devarg);
	b->ds.layout = b->forcelayout >= 0 ? (enum layout)b->forcelayout :
	    h->ufs2 ? LAYOUT_UFS2 : LAYOUT_NFS;
	b->maxino = h->maxino;
	b->used = bm_new(h->maxino);
	b->dumped = bm_new(h->maxino);
	/* A stream that fits in the hand-off's buffers, by the estimate,
	 * goes through the pipe: making the file costs more than it saves
	 * (17 ms here, a pipe of 64 KiB some 3 ms a MB). */
	if (h->blocks * TP_BSIZE < (uint64_t)OBUF_NHANDOFF * OBSIZE)
		b->hofd = -1;
	if (b->used == NULL || b->dumped == NULL || obuf_open(&b->ds.obuf,
	    STDOUT_FILENO, OBSIZE, b->readercopies, b->hofd) != 0 ||
	    ra_open(&b->dev.ra, b->dev.fd, (size_t)h->fsize,
	    (off_t)h->fssize * h->fsize) != 0)
		die(BR_STARTUP, "out of memory for %u inodes", h->maxino);
	if (b->hofd >= 0 && !b->ds.obuf.handoff)
		warnmsg("-H %d: %s; the stream goes through the pipe",
		    b->hofd, b->ds.obuf.ho.err);
	b->ds.ob = obuf_cur(&b->ds.obuf);
	obuf_device(&b->ds.obuf, b->dev.fd, (size_t)h->fsize, readdeferred, b);
	memset(sp, 0, sizeof(*sp));
	/* -r: the same files make the same bytes, whenever dumped. */
	sp->date = b->rsync ? 0 : h->date;
	sp->ddate = b->rsync ? 0 : h->ddate;
	sp->volume = 1;
	sp->level = h->level;
	strcopy(sp->label, sizeof(sp->label), h->label);
	strcopy(sp->filesys, sizeof(sp->filesys), h->fsname);
	strcopy(sp->dev, sizeof(sp->dev), h->dev);
	strcopy(sp->host, sizeof(sp->host), h->host);
	sp->flags = b->dev.oldfmt ? 0 : DR_NEWINODEFMT;
	sp->estimate = (int64_t)h->blocks;
}

static void
setrange(unsigned char *m, uint32_t a, uint32_t b)
{
	uint32_t i;

	for (i = a; i <= b; i++)
		bm_set(m, i - 1);
}

static void
onused(struct blkread *b, const struct line *ln)
{
	setrange(b->used, ln->u.range.first, ln->u.range.last);
}

static void
ondumped(struct blkread *b, const struct line *ln)
{
	setrange(b->dumped, ln->u.range.first, ln->u.range.last);
}

/*
 * Before the first file, or the end: TS_TAPE and the two maps, now that
 * the map lines are all read.  After a file: close its last chunk.
 */
static void
betweenfiles(struct blkread *b)
{
	struct dumpstream *ds = &b->ds;

	if (!b->mapsdone) {
		b->mapsdone = 1;
		ds->sp.flags |= DR_NEWHEADER;
		ds->sp.inumber = 0;
		puthead(ds, TS_TAPE);
		ds->sp.flags &= ~DR_NEWHEADER;
		ds->sp.estimate = 0;
		putinomap(ds, TS_CLRI, b->used, b->maxino);
		putinomap(ds, TS_BITS, b->dumped, b->maxino);
	}
	if (b->curtype != 0)
		endinode(b);
}

static void
oninode(struct blkread *b, const struct line *ln)
{
	betweenfiles(b);
	if (!bm_isset(b->dumped, ln->u.i.ino - 1))
		die(BR_BADINPUT, "stdin: line %" PRIu64 ": inode %u is not in "
		    "the dumped-inode map", b->lineno, ln->u.i.ino);
	startinode(b, &ln->u.i);
}

static void
ondata(struct blkread *b, const struct line *ln)
{
	addrun(b, ln->u.data.ino, ln->u.data.run.off, ln->u.data.run.frag,
	    ln->u.data.run.len, 0);
}

static void
onext(struct blkread *b, const struct line *ln)
{
	/* The 4.4BSD layout has no c_extsize: a restore would take the
	 * area for more of the file. */
	if (b->ds.layout != LAYOUT_NFS)
		addrun(b, ln->u.data.ino, ln->u.data.run.off,
		    ln->u.data.run.frag, ln->u.data.run.len, 1);
}

/* A symbolic link's target, in the record behind its header. */
static void
onlink(struct blkread *b, const struct line *ln)
{
	struct dumpstream *ds = &b->ds;
	unsigned char *p = ds->ob + ds->hdr + TP_BSIZE;

	memset(p, 0, TP_BSIZE);
	memcpy(p, ln->u.str.bytes, ln->u.str.len);
	ds->sp.addr[ds->nslots++] = 1;
	ds->ndata++;
}

static void
onomit(struct blkread *b, const struct line *ln)
{
	if (b->nomit == b->capomit) {
		b->capomit = b->capomit ? 2 * b->capomit : 16;
		b->omit = realloc(b->omit, b->capomit * sizeof(*b->omit));
		if (b->omit == NULL)
			die(BR_FAILED, "out of memory");
	}
	b->omit[b->nomit++] = ln->u.omit.off;
}

static void
onend(struct blkread *b, const struct line *ln)
{
	struct dumpstream *ds = &b->ds;

	betweenfiles(b);
	b->upstream = ln->u.end.errors;
	memset(&ds->sp.i, 0, sizeof(ds->sp.i));
	memset(ds->sp.addr, 0, sizeof(ds->sp.addr));
	ds->sp.count = 0;
	ds->sp.inumber = b->maxino - 1;
	puthead(ds, TS_END);
}

/* What each kind of line adds to the dump stream; paths add nothing. */
static void (*const linehandler[])(struct blkread *, const struct line *) = {
	[LN_HEADER] = onheader,
	[LN_USED] = onused,
	[LN_DUMPED] = ondumped,
	[LN_INODE] = oninode,
	[LN_DATA] = ondata,
	[LN_EXT] = onext,
	[LN_LINK] = onlink,
	[LN_NAME] = NULL,
	[LN_OMIT] = onomit,
	[LN_END] = onend,
};

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

/* Turn the dscan stream on stdin into the dump stream on stdout. */
static void
convert(struct blkread *b)
{
	static struct streamreader sr;
	static struct line ln;
	int n;

	stream_reader_init(&sr, stdin, "stdin");
	while ((n = stream_read(&sr, &ln)) > 0) {
		b->lineno = sr.lineno;
		if (linehandler[ln.type] != NULL)
			linehandler[ln.type](b, &ln);
	}
	if (n < 0)
		die(BR_BADINPUT, "%s; the dump stream is incomplete (no "
		    "TS_END)", sr.err);
	flushout(&b->ds);
}

/* Say what the dump left out or could not read: the exit status. */
static int
report(const struct blkread *b)
{
	if (b->eaomitted > 0)
		warnmsg("%s: the extended attributes of %lu file%s are left "
		    "out: the 4.4BSD header layout (-F nfs) has no room for "
		    "them", b->dev.name, b->eaomitted,
		    b->eaomitted == 1 ? "" : "s");
	if (b->errors > 0 || b->upstream > 0) {
		warnmsg("%lu unreadable or damaged blocks here, %" PRIu64
		    " errors reported by the scan; the dump is complete but "
		    "not faithful", b->errors, b->upstream);
		return BR_DAMAGED;
	}
	return BR_OK;
}

static int
hostbe(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 0;
}

static int
byteorderarg(const char *arg)
{
	if (strcmp(arg, "le") != 0 && strcmp(arg, "be") != 0)
		die(BR_STARTUP, "-E: byte order \"%s\" is not le or be", arg);
	return strcmp(arg, "be") == 0;
}

static int
layoutarg(const char *arg)
{
	if (strcmp(arg, "ufs2") == 0)
		return LAYOUT_UFS2;
	if (strcmp(arg, "nfs") == 0)
		return LAYOUT_NFS;
	die(BR_STARTUP, "-F: header layout \"%s\" is not ufs2 or nfs", arg);
}

int
main(int argc, char *argv[])
{
	static struct blkread b;
	int ch;

	progname_set(argv[0]);
	bigpipe(STDIN_FILENO);
	bigpipe(STDOUT_FILENO);
	/* A pipeline stage run in the background inherits SIGINT ignored:
	 * an interrupt must still stop it, unless dump asks the operator
	 * first (DUMP_ASKS_INT, see dump(8)). */
	if (!ask_onint())
		signal(SIGINT, SIG_DFL);
	b.forcelayout = -1;
	b.ds.be = hostbe();
	b.maxerrors = 32;
	b.hofd = -1;
	while ((ch = getopt(argc, argv, "d:E:F:H:I:RrSU")) != -1) {
		switch (ch) {
		case 'd':
			b.devarg = optarg;
			break;
		case 'E':
			b.ds.be = byteorderarg(optarg);
			break;
		case 'F':
			b.forcelayout = layoutarg(optarg);
			break;
		case 'H':
			b.hofd = (int)numarg(optarg, "-H", 3, INT_MAX);
			break;
		case 'I':
			b.maxerrors = (unsigned long)numarg(optarg, "-I", 0,
			    1000000000);
			break;
		case 'R':
			b.rsync = 2;
			break;
		case 'r':
			if (b.rsync == 0)
				b.rsync = 1;
			break;
		case 'S':
			b.readercopies = 1;
			break;
		case 'U':
			b.usec = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc != 0)
		usage();

	b.tty = ask_open();
	if (emptyinput())
		return BR_STARTUP;
	convert(&b);
	return report(&b);
}
