/*
 * The dump tape format: a stream of TP_BSIZE records, each a header
 * (union u_spcl of <protocols/dumprestore.h>) or data, and the one
 * writer and the one checking reader of its headers, field by field.
 * Two layouts: FreeBSD's for UFS2 (c_magic FS_UFS2_MAGIC, 64-bit times
 * and dates) and the 4.4BSD one (NFS_MAGIC, the UFS1 dinode) with both
 * the old 32-bit and the new 64-bit date, tapea and firstrec fields, as
 * NetBSD and OpenBSD write it.  dumptape(5) is its man page.
 */
#ifndef SPCL_H
#define SPCL_H

#include <stdint.h>

#define TP_BSIZE	1024
#define TP_NINDIR	(TP_BSIZE / 2)
/*
 * A header that announces at least this many data records: a reader of
 * the stream may move those records on unread (dtapewr -Z), so a writer
 * must never lend it their pages (dblkread -S).
 */
#define SPCL_MOVEMIN	64
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

/*
 * Offsets of every field of struct s_spcl, as FreeBSD's and NetBSD's
 * <protocols/dumprestore.h> lay it out in the TP_BSIZE record.  The
 * inode part (SP_MODE to SP_GID) has two layouts: FreeBSD's for UFS2
 * names the fields; the 4.4BSD one is a UFS1 dinode (di_ names below)
 * at the same offsets, with the 64-bit times of OpenBSD and NetBSD over
 * its unused di_db[4..7].  A field the FreeBSD layout leaves spare says
 * so.  No other file of the programs names a header field by number.
 */
#define SP_TYPE		0	/* c_type: TS_ below */
#define SP_OLD_DATE	4	/* c_old_date (c_date in 4.4BSD) */
#define SP_OLD_DDATE	8	/* c_old_ddate (c_ddate) */
#define SP_VOLUME	12	/* c_volume */
#define SP_OLD_TAPEA	16	/* c_old_tapea (c_tapea) */
#define SP_INUMBER	20	/* c_inumber */
#define SP_MAGIC	24	/* c_magic */
#define SP_CHECKSUM	28	/* c_checksum */
#define SP_MODE		32	/* c_mode, di_mode */
#define SP_NLINK	34	/* di_nlink; c_spare1 in UFS2 */
#define SP_OLD_UID	36	/* di_ouid (16 bits); c_spare1 */
#define SP_OLD_GID	38	/* di_ogid (16 bits); c_spare1 */
#define SP_SIZE		40	/* c_size, di_size */
#define SP_OLD_ATIME	48	/* c_old_atime, di_atime */
#define SP_ATIMENSEC	52	/* c_atimensec, di_atimensec */
#define SP_OLD_MTIME	56	/* c_old_mtime, di_mtime */
#define SP_MTIMENSEC	60	/* c_mtimensec, di_mtimensec */
#define SP_OLD_CTIME	64	/* di_ctime; c_spare2 in UFS2 */
#define SP_CTIMENSEC	68	/* di_ctimensec; c_spare2 */
#define SP_RDEV		72	/* c_rdev, di_db[0] (di_rdev) */
#define SP_BIRTHTIMENSEC 76	/* c_birthtimensec; di_db[1] */
#define SP_BIRTHTIME	80	/* c_birthtime; di_db[2..3] */
#define SP_ATIME	88	/* c_atime; di_db[4..5] */
#define SP_MTIME	96	/* c_mtime; di_db[6..7] */
#define SP_EXTSIZE	104	/* c_extsize; di_db[8] */
#define SP_FILE_FLAGS	132	/* c_file_flags, di_flags */
#define SP_BLOCKS	136	/* di_blocks; c_spare5 in UFS2 */
#define SP_GEN		140	/* di_gen; c_spare5 */
#define SP_UID		144	/* c_uid, di_uid */
#define SP_GID		148	/* c_gid, di_gid */
#define SP_COUNT	160	/* c_count: entries of c_addr that count */
#define SP_ADDR		164	/* c_addr[TP_NINDIR]: 1 data, 0 hole */
#define SP_LABEL	676	/* c_label[LBLSIZE] */
#define SP_LEVEL	692	/* c_level */
#define SP_FILESYS	696	/* c_filesys[NAMELEN] */
#define SP_DEV		760	/* c_dev[NAMELEN] */
#define SP_HOST		824	/* c_host[NAMELEN] */
#define SP_FLAGS	888	/* c_flags: DR_ below */
#define SP_OLD_FIRSTREC	892	/* c_old_firstrec (c_firstrec) */
#define SP_DATE		896	/* c_date (NetBSD: c_ndate) */
#define SP_DDATE	904	/* c_ddate (c_nddate) */
#define SP_TAPEA	912	/* c_tapea (c_ntapea) */
#define SP_FIRSTREC	920	/* c_firstrec (c_nfirstrec) */
#define SP_SPARE	928	/* c_spare[24], to the end of the record */

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

/* What a volume's TS_TAPE would say if the volume began at a record. */
struct recmeta {
	int64_t		due;	/* data records owed to the header before */
	uint32_t	ino;	/* that header's c_inumber */
	int8_t		head;	/* the record is a header */
	int8_t		pad;	/* a TS_END added to fill the last block */
	int16_t		kind;	/* of that header: KIND_ below */
};

#define KIND_MAP	0	/* TS_TAPE, the maps, TS_END */
#define KIND_DIR	1	/* a directory's TS_INODE or TS_ADDR */
#define KIND_FILE	2	/* any other inode's */

/*
 * The checking reader: what the dump stream has said so far, against
 * which spcl_check() takes the next record.  Zeroed, it waits for the
 * stream's first record.
 */
struct spcl_checker {
	int		 started;	/* TS_TAPE seen */
	int		 ended;		/* TS_END seen */
	int		 be;
	int64_t		 records;	/* records taken */
	int64_t		 due;		/* records the last header still owes */
	uint32_t	 ino;		/* that header's c_inumber */
	int		 kind;		/* and its kind */
	uint32_t	 olddate;
	uint64_t	 date;
	int64_t		 estimate;	/* records, from TS_TAPE; 0 unknown */
	unsigned char	 tape[TP_BSIZE];	/* TS_TAPE of volume 1 */
	unsigned char	 end[TP_BSIZE];		/* the last TS_END */
	char		 err[160];
};

void	spcl_encode(const struct spcl *sp, unsigned char *rec,
	    enum layout layout, int be);
void	spcl_setsum(unsigned char *rec, int be);
int	spcl_ishead(const unsigned char *rec, int *be, int *ufs2);

int	spcl_check(struct spcl_checker *c, const unsigned char *rec,
	    struct recmeta *m);
int	spcl_kind(const struct spcl_checker *c, const unsigned char *rec,
	    const struct recmeta *m);
int	spcl_complete(const struct spcl_checker *c);
void	spcl_skipdata(struct spcl_checker *c, int64_t n);

#endif
