#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "spcl.h"
#include "ufs.h"

#define MAXMAPREC	((1u << 29) / TP_BSIZE + 1)	/* 2^32 inodes */

/* The offsets of spcl.h add up to struct s_spcl, or this fails to build. */
typedef char sp_layout_ok[SP_ADDR + TP_NINDIR == SP_LABEL &&
    SP_LABEL + LBLSIZE == SP_LEVEL && SP_LEVEL + 4 == SP_FILESYS &&
    SP_FILESYS + NAMELEN == SP_DEV && SP_DEV + NAMELEN == SP_HOST &&
    SP_HOST + NAMELEN == SP_FLAGS && SP_SPARE + 24 * 4 == TP_BSIZE &&
    SP_ESTIMATE + 8 == TP_BSIZE ? 1 : -1];

static void
putstr(unsigned char *p, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (len >= n)
		len = n - 1;
	memcpy(p, s, len);
}

/*
 * The inode fields both layouts keep at the same place: FreeBSD's UFS2
 * layout kept them where the UFS1 dinode has them, and put the 64-bit
 * times where NetBSD and OpenBSD look for them in the 4.4BSD one (as
 * OpenBSD's dump writes them for UFS1, over unused di_db[4..7]).
 */
static void
putinode(const struct spcl *sp, unsigned char *r, int be)
{
	put16(r + SP_MODE, sp->i.mode, be);
	put64(r + SP_SIZE, sp->i.size, be);
	put32(r + SP_OLD_ATIME, (uint32_t)sp->i.atime, be);
	put32(r + SP_ATIMENSEC, (uint32_t)sp->i.atimensec, be);
	put32(r + SP_OLD_MTIME, (uint32_t)sp->i.mtime, be);
	put32(r + SP_MTIMENSEC, (uint32_t)sp->i.mtimensec, be);
	put32(r + SP_RDEV, sp->i.rdev, be);
	put64(r + SP_ATIME, (uint64_t)sp->i.atime, be);
	put64(r + SP_MTIME, (uint64_t)sp->i.mtime, be);
	put32(r + SP_FILE_FLAGS, sp->i.file_flags, be);
	put32(r + SP_UID, sp->i.uid, be);
	put32(r + SP_GID, sp->i.gid, be);
}

/* What only FreeBSD's UFS2 layout has. */
static void
putufs2(const struct spcl *sp, unsigned char *r, int be)
{
	put32(r + SP_BIRTHTIMENSEC, (uint32_t)sp->i.birthtimensec, be);
	put64(r + SP_BIRTHTIME, (uint64_t)sp->i.birthtime, be);
	put32(r + SP_EXTSIZE, sp->i.extsize, be);
}

/* What only the 4.4BSD layout, a UFS1 dinode, has. */
static void
putnfs(const struct spcl *sp, unsigned char *r, int be)
{
	put16(r + SP_NLINK, (uint16_t)sp->i.nlink, be);
	put16(r + SP_OLD_UID,
	    sp->i.uid <= 0xffff ? (uint16_t)sp->i.uid : 0xffff, be);
	put16(r + SP_OLD_GID,
	    sp->i.gid <= 0xffff ? (uint16_t)sp->i.gid : 0xffff, be);
	put32(r + SP_OLD_CTIME, (uint32_t)sp->i.ctime, be);
	put32(r + SP_CTIMENSEC, (uint32_t)sp->i.ctimensec, be);
	put32(r + SP_BLOCKS, (uint32_t)sp->i.blocks, be);
	put32(r + SP_GEN, sp->i.gen, be);
}

/* Encode sp into the TP_BSIZE record rec, checksum included. */
void
spcl_encode(const struct spcl *sp, unsigned char *r, enum layout layout,
    int be)
{
	memset(r, 0, TP_BSIZE);
	put32(r + SP_TYPE, (uint32_t)sp->type, be);
	put32(r + SP_OLD_DATE, (uint32_t)sp->date, be);
	put32(r + SP_OLD_DDATE, (uint32_t)sp->ddate, be);
	put32(r + SP_VOLUME, (uint32_t)sp->volume, be);
	put32(r + SP_OLD_TAPEA, (uint32_t)sp->tapea, be);
	put32(r + SP_INUMBER, sp->inumber, be);
	put32(r + SP_MAGIC, layout == LAYOUT_UFS2 ? DUMP_UFS2_MAGIC : NFS_MAGIC,
	    be);
	putinode(sp, r, be);
	if (layout == LAYOUT_UFS2)
		putufs2(sp, r, be);
	else
		putnfs(sp, r, be);
	put32(r + SP_COUNT, (uint32_t)sp->count, be);
	memcpy(r + SP_ADDR, sp->addr, TP_NINDIR);
	putstr(r + SP_LABEL, sp->label, LBLSIZE);
	put32(r + SP_LEVEL, (uint32_t)sp->level, be);
	putstr(r + SP_FILESYS, sp->filesys, NAMELEN);
	putstr(r + SP_DEV, sp->dev, NAMELEN);
	putstr(r + SP_HOST, sp->host, NAMELEN);
	put32(r + SP_FLAGS, (uint32_t)sp->flags, be);
	put32(r + SP_OLD_FIRSTREC, (uint32_t)sp->firstrec, be);
	put64(r + SP_DATE, (uint64_t)sp->date, be);
	put64(r + SP_DDATE, (uint64_t)sp->ddate, be);
	put64(r + SP_TAPEA, (uint64_t)sp->tapea, be);
	put64(r + SP_FIRSTREC, (uint64_t)sp->firstrec, be);
	if (sp->type == TS_TAPE && sp->estimate > 0) {
		memcpy(r + SP_ESTMARK, SP_ESTMAGIC, 4);
		put64(r + SP_ESTIMATE, (uint64_t)sp->estimate, be);
	}
	spcl_setsum(r, be);
}

/*
 * The sum of the 256 words of a record.  A loop for each byte order, so
 * that the compiler sees plain loads (and vectorises them).
 */
static uint32_t
wordsum(const unsigned char *r, int be)
{
	uint32_t sum = 0;
	int i;

	if (be)
		for (i = 0; i < TP_BSIZE; i += 4)
			sum += get32(r + i, 1);
	else
		for (i = 0; i < TP_BSIZE; i += 4)
			sum += get32(r + i, 0);
	return sum;
}

/* Make the 256 words of the record sum to CHECKSUM. */
void
spcl_setsum(unsigned char *r, int be)
{
	put32(r + SP_CHECKSUM, 0, be);
	put32(r + SP_CHECKSUM, (uint32_t)CHECKSUM - wordsum(r, be), be);
}

/*
 * Is rec a dump header (a known magic in either byte order and a right
 * checksum)?  Sets *be and *ufs2 from what it found.
 */
int
spcl_ishead(const unsigned char *r, int *be, int *ufs2)
{
	uint32_t magic, sum;
	int b;

	for (b = 0; b <= 1; b++) {
		magic = get32(r + SP_MAGIC, b);
		if (magic != NFS_MAGIC && magic != DUMP_UFS2_MAGIC)
			continue;
		sum = wordsum(r, b);
		if (sum != CHECKSUM)
			return 0;
		*be = b;
		*ufs2 = magic == DUMP_UFS2_MAGIC;
		return 1;
	}
	return 0;
}

static int
bad(struct spcl_checker *c, const char *what)
{
	snprintf(c->err, sizeof(c->err), "record %lld: %s",
	    (long long)c->records, what);
	return -1;
}

/* How many data records follow header h of type t. */
static int
datacount(struct spcl_checker *c, const unsigned char *h, int32_t t,
    int64_t *n)
{
	int32_t count = (int32_t)get32(h + SP_COUNT, c->be);
	int i;

	switch (t) {
	case TS_CLRI:
	case TS_BITS:
		if (count < 0 || (uint32_t)count > MAXMAPREC)
			return bad(c, "an inode map of impossible size");
		*n = count;
		return 0;
	case TS_INODE:
	case TS_ADDR:
		if (count < 0 || count > TP_NINDIR)
			return bad(c, "file header with c_count out of range");
		*n = 0;
		for (i = 0; i < count; i++)
			*n += h[SP_ADDR + i] != 0;
		return 0;
	case TS_END:
		*n = 0;
		return 0;
	}
	return bad(c, "header of unknown type");
}

/* The TS_TAPE header of volume 1: remember it and its estimate. */
static int
taketape(struct spcl_checker *c, const unsigned char *r, int be)
{
	if (get32(r + SP_TYPE, be) != TS_TAPE || get32(r + SP_VOLUME, be) != 1)
		return bad(c, "the stream does not begin with the TS_TAPE "
		    "header of volume 1");
	c->started = 1;
	c->be = be;
	c->olddate = get32(r + SP_OLD_DATE, be);
	c->date = get64(r + SP_DATE, be);
	memcpy(c->tape, r, TP_BSIZE);
	if (memcmp(r + SP_ESTMARK, SP_ESTMAGIC, 4) == 0)
		c->estimate = (int64_t)get64(r + SP_ESTIMATE, be);
	return 0;
}

/*
 * Check record r, the next of the stream, against the stream so far: a
 * header wherever one is due, with a known magic and a right checksum,
 * TS_TAPE first and once, one c_date throughout, TS_END last.  Fills in
 * m with what a later volume's TS_TAPE would need to say if the volume
 * began at r: the data records still owed to the header before it, and
 * that header's inode.  Returns 0, or -1 with c->err set.
 */
int
spcl_check(struct spcl_checker *c, const unsigned char *r, struct recmeta *m)
{
	int be, ufs2;
	int32_t type;
	int64_t n;

	m->due = c->due;
	m->ino = c->ino;
	m->kind = (int16_t)c->kind;
	m->head = 0;
	m->pad = 0;
	if (c->due > 0) {
		c->due--;
		c->records++;
		return 0;
	}
	if (!spcl_ishead(r, &be, &ufs2) || (c->started && be != c->be))
		return bad(c, c->started ? "not a dump header (bad magic "
		    "or checksum) where one is due" :
		    "not a dump stream (no TS_TAPE header)");
	m->head = 1;
	if (!c->started) {
		if (taketape(c, r, be) != 0)
			return -1;
		c->records++;
		return 0;
	}
	type = (int32_t)get32(r + SP_TYPE, be);
	if (get32(r + SP_OLD_DATE, be) != c->olddate ||
	    get64(r + SP_DATE, be) != c->date)
		return bad(c, "header of another dump (different c_date)");
	if (type == TS_TAPE)
		return bad(c, "a second TS_TAPE header");
	if (c->ended && type != TS_END)
		return bad(c, "data after TS_END");
	if (datacount(c, r, type, &n) != 0)
		return -1;
	if (type == TS_END) {
		c->ended = 1;
		memcpy(c->end, r, TP_BSIZE);
	}
	c->kind = spcl_kind(c, r, m);
	c->ino = get32(r + SP_INUMBER, be);
	c->due = n;
	c->records++;
	return 0;
}

/* The kind of header r, whose metadata (what came before it) is m. */
int
spcl_kind(const struct spcl_checker *c, const unsigned char *r,
    const struct recmeta *m)
{
	switch (get32(r + SP_TYPE, c->be)) {
	case TS_INODE:
		return (get16(r + SP_MODE, c->be) & UFS_IFMT) == UFS_IFDIR ?
		    KIND_DIR : KIND_FILE;
	case TS_ADDR:
		return m->kind;
	}
	return KIND_MAP;
}

/*
 * n of the data records the last header still owes, taken without being
 * seen (moved on unread): they are counted as spcl_check counts them.
 */
void
spcl_skipdata(struct spcl_checker *c, int64_t n)
{
	c->due -= n;
	c->records += n;
}

/* May the stream end here: TS_END taken, and no data owed to it? */
int
spcl_complete(const struct spcl_checker *c)
{
	return c->ended && c->due == 0;
}
