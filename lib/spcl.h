/*
 * The dump tape header, union u_spcl of <protocols/dumprestore.h>: one
 * TP_BSIZE record, encoded and decoded field by field.  Two layouts:
 * FreeBSD's for UFS2 (c_magic FS_UFS2_MAGIC, 64-bit times and dates) and
 * the 4.4BSD one (NFS_MAGIC, the UFS1 dinode) with both the old 32-bit
 * and the new 64-bit date, tapea and firstrec fields, as NetBSD and
 * OpenBSD write it.
 */
#ifndef SPCL_H
#define SPCL_H

#include <stdint.h>

#define TP_BSIZE	1024
#define TP_NINDIR	(TP_BSIZE / 2)
#define LBLSIZE		16
#define NAMELEN		64

#define OFS_MAGIC	60011
#define NFS_MAGIC	60012
#define DUMP_UFS2_MAGIC	0x19540119
#define CHECKSUM	84446

#define TS_TAPE		1
#define TS_INODE	2
#define TS_BITS		3
#define TS_ADDR		4
#define TS_END		5
#define TS_CLRI		6

#define DR_NEWHEADER	0x0001
#define DR_NEWINODEFMT	0x0002

/* Offsets of the fields dtapewr patches or reads. */
#define SP_TYPE		0
#define SP_OLD_DATE	4
#define SP_VOLUME	12
#define SP_OLD_TAPEA	16
#define SP_INUMBER	20
#define SP_MAGIC	24
#define SP_CHECKSUM	28
#define SP_COUNT	160
#define SP_ADDR		164
#define SP_OLD_FIRSTREC	892
#define SP_DATE		896
#define SP_TAPEA	912
#define SP_FIRSTREC	920

/*
 * In the spare words at the end of TS_TAPE, dblkread leaves the size
 * estimate of the dump for dtapewr's progress lines: the four bytes
 * "dscN" and a 64-bit count of TP_BSIZE records.  Every restore ignores
 * these words (they are c_spare everywhere, Linux's included).
 */
#define SP_ESTMARK	1012
#define SP_ESTMAGIC	"dscN"
#define SP_ESTIMATE	1016

enum layout { LAYOUT_UFS2, LAYOUT_NFS };

struct spcl {
	int32_t		type;
	int64_t		date, ddate;
	int32_t		volume;
	int64_t		tapea;
	uint32_t	inumber;
	struct spino {			/* the inode; zero in other headers */
		uint16_t	mode;
		int16_t		nlink;
		uint64_t	size;
		int64_t		atime, mtime, ctime, birthtime;
		int32_t		atimensec, mtimensec, ctimensec;
		int32_t		birthtimensec;
		uint32_t	rdev;
		uint32_t	extsize;
		uint32_t	file_flags;
		uint64_t	blocks;
		uint32_t	gen;
		uint32_t	uid, gid;
	}		i;
	/* the record */
	int32_t		count;
	unsigned char	addr[TP_NINDIR];
	char		label[LBLSIZE];
	int32_t		level;
	char		filesys[NAMELEN];
	char		dev[NAMELEN];
	char		host[NAMELEN];
	int32_t		flags;
	int64_t		firstrec;
	int64_t		estimate;	/* TS_TAPE only; 0: none */
};

void	spcl_encode(const struct spcl *sp, unsigned char *rec,
	    enum layout layout, int be);
void	spcl_setsum(unsigned char *rec, int be);
int	spcl_ishead(const unsigned char *rec, int *be, int *ufs2);

#endif
