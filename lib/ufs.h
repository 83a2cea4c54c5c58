/*
 * A read-only view of a UFS1 or UFS2 file system on a device or image:
 * the superblock, cylinder groups and inodes, decoded field by field in
 * the file system's own byte order.  Offsets follow FreeBSD's
 * <ufs/ffs/fs.h> and <ufs/ufs/dinode.h>.
 */
#ifndef UFS_H
#define UFS_H

#include <sys/types.h>

#include <stdint.h>

#include "xio.h"

#define UFS_NDADDR	12	/* direct block pointers in an inode */
#define UFS_NIADDR	3	/* indirect block pointers */
#define UFS_NXADDR	2	/* UFS2 extended-attribute block pointers */
#define UFS_ROOTINO	2
#define UFS_WINO	1	/* whiteout inode */
#define SBLOCKSIZE	8192
#define MINBSIZE	4096
#define MAXBSIZE	65536
#define DEV_BSIZE	512

#define FS_UFS1_MAGIC	0x011954
#define FS_UFS2_MAGIC	0x19540119
#define FS_UFS2EA_MAGIC	0x19012038	/* NetBSD UFS2 with extended attributes */
#define CG_MAGIC	0x090255

/* File types in di_mode. */
#define UFS_IFMT	0170000
#define UFS_IFIFO	0010000
#define UFS_IFCHR	0020000
#define UFS_IFDIR	0040000
#define UFS_IFBLK	0060000
#define UFS_IFREG	0100000
#define UFS_IFLNK	0120000
#define UFS_IFSOCK	0140000
#define UFS_IFWHT	0160000

/* chflags(2) flags that dump cares about. */
#define UF_NODUMP	0x00000001
#define SF_SNAPSHOT	0x00200000

struct ufs {
	const char	*dev;
	int		 fd;
	struct sectorio	*sio;		/* salvage reads, or NULL */
	int		 ufs2;		/* 0: UFS1, 1: UFS2 */
	int		 be;		/* big-endian file system */
	uint32_t	 magic;
	off_t		 sblockloc;	/* byte offset of the superblock */
	off_t		 devsize;	/* bytes; 0 if the device cannot tell */
	int32_t		 bsize, fsize, frag;
	int32_t		 bshift, fshift;
	int32_t		 inopb, nindir, dinsize;
	uint32_t	 ncg, ipg;
	int32_t		 fpg;
	int64_t		 size;		/* file system size in fragments */
	int32_t		 sblkno, cblkno, iblkno, dblkno, cgsize;
	int32_t		 old_cgoffset, old_cgmask;
	int32_t		 maxsymlinklen;
	int32_t		 flags;
	int		 oldinofmt;	/* 4.2BSD inodes: 16-bit ids in di_u */
	uint32_t	 id[2];
	int64_t		 time;
	uint32_t	 maxino;	/* ncg * ipg: inode numbers are below it */
	uint64_t	 maxfilesize;	/* fs_maxfilesize; 0: none that makes sense */
	char		 volname[33];
	char		 fsmnt[469];
};

struct dinode {
	uint32_t	ino;
	uint16_t	mode;
	int16_t		nlink;
	uint32_t	uid, gid;
	uint64_t	size;
	uint64_t	blocks;		/* 512-byte sectors held */
	int64_t		atime, mtime, ctime, birthtime;
	int32_t		atimensec, mtimensec, ctimensec, birthnsec;
	uint32_t	gen;
	uint32_t	flags;
	uint32_t	extsize;
	uint64_t	rdev;
	int64_t		db[UFS_NDADDR];
	int64_t		ib[UFS_NIADDR];
	int64_t		extb[UFS_NXADDR];
	unsigned char	shortlink[120];	/* raw bytes of the block pointers */
};

/* What a cylinder group header says about its inodes. */
struct cginfo {
	int		ok;		/* magic, index and count are right */
	uint32_t	initediblk;	/* inodes initialised (UFS2); ipg for UFS1 */
	char		why[80];	/* what is wrong, if not ok */
};

int	ufs_open(struct ufs *fs, const char *dev);
int	ufs_openfd(struct ufs *fs, int fd, const char *dev);
void	ufs_close(struct ufs *fs);
int	ufs_samefs(int fd, off_t sblock, int ufs2, int be,
	    const uint32_t id[2]);
int	ufs_pread(const struct ufs *fs, void *buf, size_t len, off_t off);
unsigned long ufs_salvage(const struct ufs *fs, void *buf, size_t len,
	    off_t off, badsector_fn bad, void *arg);
int64_t	ufs_cgstart(const struct ufs *fs, uint32_t cg);
int	ufs_readcg(const struct ufs *fs, uint32_t cg, unsigned char *buf,
	    struct cginfo *ci);
off_t	ufs_inooff(const struct ufs *fs, uint32_t ino);
int	ufs_readinodes(const struct ufs *fs, uint32_t start, uint32_t n,
	    unsigned char *buf);
void	ufs_decode(const struct ufs *fs, const unsigned char *raw,
	    uint32_t ino, struct dinode *dp);
uint64_t ufs_addressable(int32_t bsize, int ufs2);
int	ufs_checkino(const struct ufs *fs, const struct dinode *dp,
	    const char **why);
int	ufs_isshortlink(const struct ufs *fs, const struct dinode *dp);
char	ufs_typechar(uint16_t mode);
int	ufs_validtype(uint16_t mode);

#endif
