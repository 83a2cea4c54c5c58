/*
 * ufsedit: change a UFS1 or UFS2 image in place the way a running kernel
 * would, so that incremental dumps can be tested.  Test tool only.
 *
 * The state of one editing session.  Every write goes through dev_write,
 * which keeps the old bytes in an undo log; a command that fails is
 * rolled back from it, so the image holds only whole commands.
 * Cylinder group headers, the summary area and the superblock are kept
 * in memory while a command runs and written when it commits.
 */
#ifndef UFSEDIT_H
#define UFSEDIT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "ufs.h"

#define DIRBLKSIZ	512
#define UFS_MAXNAMLEN	255
#define MAXSYMLINK	1023	/* MAXPATHLEN less its NUL */
#define UFS_LINK_MAX	32767	/* di_nlink is 16 bits, signed */
#define FS_MAXCONTIG	16	/* the largest fs_contigsumsize */
#define DIRSIZ(namlen)	((8 + (size_t)(namlen) + 1 + 3) & ~(size_t)3)

/* d_type */
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

/* fs_metackhash: which metadata carries a CRC-32C check-hash. */
#define CK_SUPERBLOCK	0x0001
#define CK_CYLGRP	0x0002
#define CK_INODE	0x0004

/* ino_touch: which times to set to the clock. */
#define T_ACC		1
#define T_MOD		2
#define T_CHG		4

/* A cylinder group header in memory, with its map offsets checked. */
struct cgbuf {
	unsigned char	*buf;		/* fs_cgsize bytes; NULL: not loaded */
	int		 dirty;
	uint32_t	 iused;		/* cg_iusedoff: inode map */
	uint32_t	 free;		/* cg_freeoff: free-fragment map */
	uint32_t	 clsum;		/* cg_clustersumoff; 0: no clusters */
	uint32_t	 clmap;		/* cg_clusteroff */
	uint32_t	 nclblks;
	uint32_t	 ndblk;		/* fragments in this group */
};

struct undo {
	off_t		 off;
	size_t		 len;
	unsigned char	*old;
};

struct inode {
	uint32_t	 ino;
	struct dinode	 d;
	unsigned char	 raw[256];	/* as read; unknown fields survive */
	int		 setshort;	/* write d.shortlink over the pointers */
	int64_t		 lastalloc;	/* fragment after the last allocation */
};

struct ed {
	struct ufs	 fs;
	int		 rdonly;
	int64_t		 now;		/* the clock for every stamp */
	unsigned char	*sb;		/* the superblock, fs_sbsize bytes */
	int32_t		 sbsize;
	unsigned char	*csum;		/* struct csum per group */
	int64_t		 csaddr;	/* fragment of the summary area */
	int32_t		 cssize;
	struct cgbuf	*cg;
	int32_t		 contigsumsize;
	uint32_t	 ckhash;	/* CK_* in force */
	int		 wide;		/* the 64-bit superblock fields hold */
	int32_t		 nspf;		/* 512-byte sectors per fragment */
	struct undo	*undo;
	size_t		 nundo, capundo;
	uint64_t	 rng;
	char		 err[640];
};

/* dev.c */
int	fail(struct ed *ed, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	dev_open(struct ed *ed, const char *path, int rdonly);
void	dev_close(struct ed *ed);
int	dev_read(struct ed *ed, int64_t off, void *buf, size_t len);
int	dev_write(struct ed *ed, int64_t off, const void *buf, size_t len);
int	dev_zero(struct ed *ed, int64_t frag, int nfrags);
struct cgbuf *cg_get(struct ed *ed, uint32_t cg);
int	commit(struct ed *ed);
void	rollback(struct ed *ed);
uint32_t crc32c(const unsigned char *p, size_t n);
uint32_t rnd32(struct ed *ed);
int64_t	cgdmin(const struct ed *ed, uint32_t cg);
int	ismeta(const struct ed *ed, int64_t frag, int n);
int32_t	cs_get(const struct ed *ed, uint32_t cg, int field);

/* Fields of struct csum, in the order of cg_cs and the summary area. */
#define CS_NDIR		0
#define CS_NBFREE	1
#define CS_NIFREE	2
#define CS_NFFREE	3

/* Offsets in the cylinder group header (struct cg). */
#define CG_OLD_TIME	8
#define CG_CGX		12
#define CG_NDBLK	20
#define CG_CS		24
#define CG_IROTOR	48
#define CG_FRSUM	52
#define CG_IUSEDOFF	92
#define CG_FREEOFF	96
#define CG_CLSUMOFF	104
#define CG_CLOFF	108
#define CG_NCLBLKS	112
#define CG_INITEDIBLK	120
#define CG_CKHASH	132
#define CG_TIME		136

/* alloc.c */
int	blk_alloc(struct ed *ed, int64_t pref, int n, int64_t *addr);
int	blk_grow(struct ed *ed, int64_t addr, int nold, int nnew);
int	blk_free(struct ed *ed, int64_t addr, int n);
int	ino_alloc(struct ed *ed, int isdir, uint32_t parent, uint32_t *ino);
int	ino_free(struct ed *ed, uint32_t ino, int isdir);
void	cs_add(struct ed *ed, uint32_t cg, int field, int32_t delta);
int	map_isset(const unsigned char *map, uint64_t i);

/* inode.c */
int	ino_get(struct ed *ed, uint32_t ino, struct inode *ip);
int	ino_put(struct ed *ed, struct inode *ip);
void	ino_encode(const struct ed *ed, struct inode *ip);
void	ino_touch(const struct ed *ed, struct inode *ip, int what);
int	ino_hasmap(const struct ed *ed, const struct inode *ip);
uint64_t maxfilesize(const struct ufs *fs);
int	nfrags_of(const struct ufs *fs, uint64_t size, uint64_t lbn);
int	bm_lookup(struct ed *ed, struct inode *ip, uint64_t lbn,
	    int64_t *addr);
int	f_read(struct ed *ed, struct inode *ip, uint64_t off, void *buf,
	    size_t len);
int	f_write(struct ed *ed, struct inode *ip, uint64_t off,
	    const void *buf, size_t len);
int	f_truncate(struct ed *ed, struct inode *ip, uint64_t size);
int	f_punch(struct ed *ed, struct inode *ip, uint64_t off, uint64_t len);
int	f_freeall(struct ed *ed, struct inode *ip);

/* dir.c */
struct nd {
	uint32_t	 dir;		/* the directory that holds the name */
	unsigned char	 name[UFS_MAXNAMLEN + 1];
	size_t		 len;		/* 0: the path is the root itself */
	uint32_t	 ino;		/* what the name is now; 0: missing */
};

int	namei(struct ed *ed, const unsigned char *path, size_t plen,
	    struct nd *nd);
int	ed_dir_lookup(struct ed *ed, uint32_t dino, const unsigned char *name,
	    size_t len, uint32_t *ino);
int	ed_dir_enter(struct ed *ed, uint32_t dino, const unsigned char *name,
	    size_t len, uint32_t ino, int type);
int	ed_dir_remove(struct ed *ed, uint32_t dino, const unsigned char *name,
	    size_t len);
int	ed_dir_rewrite(struct ed *ed, uint32_t dino, const unsigned char *name,
	    size_t len, uint32_t ino, int type);
int	ed_dir_isempty(struct ed *ed, struct inode *ip, int *empty);
int	ed_dir_init(struct ed *ed, struct inode *ip, uint32_t parent);
int	dtype(uint16_t mode);
int	ed_dir_walk(struct ed *ed, struct inode *ip,
	    int (*fn)(void *arg, uint64_t off, uint32_t ino, int type,
	    const unsigned char *name, size_t len), void *arg);

/* cmd.c */
int	run_command(struct ed *ed, char **argv, int argc);

/* check.c */
int	check_fs(struct ed *ed);

#endif
