#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "spcl.h"

static void
putstr(unsigned char *p, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (len >= n)
		len = n - 1;
	memcpy(p, s, len);
}

/* The inode part in FreeBSD's UFS2 layout. */
static void
putufs2(const struct spcl *sp, unsigned char *r, int be)
{
	put16(r + 32, sp->i.mode, be);
	put64(r + 40, sp->i.size, be);
	put32(r + 48, (uint32_t)sp->i.atime, be);		/* c_old_atime */
	put32(r + 52, (uint32_t)sp->i.atimensec, be);
	put32(r + 56, (uint32_t)sp->i.mtime, be);		/* c_old_mtime */
	put32(r + 60, (uint32_t)sp->i.mtimensec, be);
	put32(r + 72, sp->i.rdev, be);
	put32(r + 76, (uint32_t)sp->i.birthtimensec, be);
	put64(r + 80, (uint64_t)sp->i.birthtime, be);
	put64(r + 88, (uint64_t)sp->i.atime, be);
	put64(r + 96, (uint64_t)sp->i.mtime, be);
	put32(r + 104, sp->i.extsize, be);
	put32(r + 132, sp->i.file_flags, be);
	put32(r + 144, sp->i.uid, be);
	put32(r + 148, sp->i.gid, be);
}

/* The inode part as a 4.4BSD UFS1 dinode. */
static void
putnfs(const struct spcl *sp, unsigned char *r, int be)
{
	put16(r + 32, sp->i.mode, be);
	put16(r + 34, (uint16_t)sp->i.nlink, be);
	put16(r + 36, sp->i.uid <= 0xffff ? (uint16_t)sp->i.uid : 0xffff, be);
	put16(r + 38, sp->i.gid <= 0xffff ? (uint16_t)sp->i.gid : 0xffff, be);
	put64(r + 40, sp->i.size, be);
	put32(r + 48, (uint32_t)sp->i.atime, be);
	put32(r + 52, (uint32_t)sp->i.atimensec, be);
	put32(r + 56, (uint32_t)sp->i.mtime, be);
	put32(r + 60, (uint32_t)sp->i.mtimensec, be);
	put32(r + 64, (uint32_t)sp->i.ctime, be);
	put32(r + 68, (uint32_t)sp->i.ctimensec, be);
	put32(r + 72, sp->i.rdev, be);			/* di_db[0] */
	/* The 64-bit times where NetBSD and OpenBSD look, as OpenBSD's
	 * dump writes them for UFS1; they overlay unused di_db[4..7]. */
	put64(r + 88, (uint64_t)sp->i.atime, be);
	put64(r + 96, (uint64_t)sp->i.mtime, be);
	put32(r + 132, sp->i.file_flags, be);
	put32(r + 136, (uint32_t)sp->i.blocks, be);
	put32(r + 140, sp->i.gen, be);
	put32(r + 144, sp->i.uid, be);
	put32(r + 148, sp->i.gid, be);
}

/* Encode sp into the TP_BSIZE record rec, checksum included. */
void
spcl_encode(const struct spcl *sp, unsigned char *r, enum layout layout,
    int be)
{
	memset(r, 0, TP_BSIZE);
	put32(r + SP_TYPE, (uint32_t)sp->type, be);
	put32(r + SP_OLD_DATE, (uint32_t)sp->date, be);
	put32(r + 8, (uint32_t)sp->ddate, be);
	put32(r + SP_VOLUME, (uint32_t)sp->volume, be);
	put32(r + SP_OLD_TAPEA, (uint32_t)sp->tapea, be);
	put32(r + SP_INUMBER, sp->inumber, be);
	put32(r + SP_MAGIC, layout == LAYOUT_UFS2 ? DUMP_UFS2_MAGIC : NFS_MAGIC,
	    be);
	if (layout == LAYOUT_UFS2)
		putufs2(sp, r, be);
	else
		putnfs(sp, r, be);
	put32(r + SP_COUNT, (uint32_t)sp->count, be);
	memcpy(r + SP_ADDR, sp->addr, TP_NINDIR);
	putstr(r + 676, sp->label, LBLSIZE);
	put32(r + 692, (uint32_t)sp->level, be);
	putstr(r + 696, sp->filesys, NAMELEN);
	putstr(r + 760, sp->dev, NAMELEN);
	putstr(r + 824, sp->host, NAMELEN);
	put32(r + 888, (uint32_t)sp->flags, be);
	put32(r + SP_OLD_FIRSTREC, (uint32_t)sp->firstrec, be);
	put64(r + SP_DATE, (uint64_t)sp->date, be);
	put64(r + 904, (uint64_t)sp->ddate, be);
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
