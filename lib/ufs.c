#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "msg.h"
#include "ufs.h"
#include "xio.h"

/* Where the BSDs look for a superblock, in their order (SBLOCKSEARCH). */
static const off_t sbsearch[] = { 65536, 8192, 0, 262144 };
#define NSBSEARCH	(sizeof(sbsearch) / sizeof(sbsearch[0]))

/* Superblock field offsets (struct fs). */
#define SB_SBLKNO	8
#define SB_CBLKNO	12
#define SB_IBLKNO	16
#define SB_DBLKNO	20
#define SB_OLD_CGOFFSET	24
#define SB_OLD_CGMASK	28
#define SB_OLD_TIME	32
#define SB_OLD_SIZE	36
#define SB_NCG		44
#define SB_BSIZE	48
#define SB_FSIZE	52
#define SB_FRAG		56
#define SB_BSHIFT	80
#define SB_FSHIFT	84
#define SB_FRAGSHIFT	96
#define SB_FSBTODB	100
#define SB_SBSIZE	104
#define SB_NINDIR	116
#define SB_INOPB	120
#define SB_ID		144
#define SB_CGSIZE	160
#define SB_IPG		184
#define SB_FPG		188
#define SB_OLD_FLAGS	211
#define SB_FSMNT	212
#define SB_VOLNAME	680
#define SB_SBLOCKLOC	1000
#define SB_TIME		1072
#define SB_SIZE		1080
#define SB_FLAGS	1312
#define SB_MAXSYMLINKLEN 1320
#define SB_INODEFMT	1324
#define SB_MAXFILESIZE	1328
#define SB_MAGIC	1372
#define SB_STRUCTSIZE	1376

#define FS_FLAGS_UPDATED 0x80
#define FS_44INODEFMT	2

/* Cylinder group header offsets (struct cg). */
#define CG_MAGIC_OFF	4
#define CG_CGX		12
#define CG_INITEDIBLK	120

static int
ispow2(int64_t v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

static int
log2i(int64_t v)
{
	int n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static off_t
devicesize(int fd)
{
	struct stat st;
	off_t end;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		return st.st_size;
	end = lseek(fd, 0, SEEK_END);
	return end > 0 ? end : 0;
}

/* The superblock fields that are checked but not kept in struct ufs. */
struct sbraw {
	int32_t		 sbsize, fragshift, fsbtodb, inopb, nindir;
};

/* The first field out of its range, with the range it must be in. */
struct sbbad {
	const char	*field;
	long long	 val;
	char		 range[128];
};

/*
 * Note the field if cond fails and no field before it did; the range is
 * formatted (and the values in it worked out) only then, as a value may
 * divide by a field the checks before vouched for.
 */
#define SBCHECK(b, cond, name, v, ...) \
	if ((b)->field == NULL && !(cond)) { \
		(b)->field = name; \
		(b)->val = (long long)(v); \
		snprintf((b)->range, sizeof((b)->range), __VA_ARGS__); \
	}

/* The fields that differ between UFS1 and UFS2. */
static void
loadsbversion(struct ufs *fs, const unsigned char *sb)
{
	int be = fs->be;

	fs->dinsize = fs->ufs2 ? 256 : 128;
	if (fs->ufs2) {
		fs->size = (int64_t)get64(sb + SB_SIZE, be);
		fs->time = (int64_t)get64(sb + SB_TIME, be);
		fs->old_cgoffset = 0;
		fs->old_cgmask = -1;
		fs->flags = (int32_t)get32(sb + SB_FLAGS, be);
		fs->oldinofmt = 0;
		return;
	}
	fs->size = (int32_t)get32(sb + SB_OLD_SIZE, be);
	fs->time = (int32_t)get32(sb + SB_OLD_TIME, be);
	fs->old_cgoffset = (int32_t)get32(sb + SB_OLD_CGOFFSET, be);
	fs->old_cgmask = (int32_t)get32(sb + SB_OLD_CGMASK, be);
	if (sb[SB_OLD_FLAGS] & FS_FLAGS_UPDATED)
		fs->flags = (int32_t)get32(sb + SB_FLAGS, be);
	else
		fs->flags = sb[SB_OLD_FLAGS];
	fs->oldinofmt = (int32_t)get32(sb + SB_INODEFMT, be) < FS_44INODEFMT;
}

/* Copy the fields we use out of a candidate superblock, unchecked. */
static void
loadsbfields(struct ufs *fs, const unsigned char *sb, struct sbraw *r)
{
	int be = fs->be;

	r->sbsize = (int32_t)get32(sb + SB_SBSIZE, be);
	fs->bsize = (int32_t)get32(sb + SB_BSIZE, be);
	fs->fsize = (int32_t)get32(sb + SB_FSIZE, be);
	fs->frag = (int32_t)get32(sb + SB_FRAG, be);
	fs->bshift = (int32_t)get32(sb + SB_BSHIFT, be);
	fs->fshift = (int32_t)get32(sb + SB_FSHIFT, be);
	r->fragshift = (int32_t)get32(sb + SB_FRAGSHIFT, be);
	r->fsbtodb = (int32_t)get32(sb + SB_FSBTODB, be);
	r->nindir = (int32_t)get32(sb + SB_NINDIR, be);
	r->inopb = (int32_t)get32(sb + SB_INOPB, be);
	fs->ncg = get32(sb + SB_NCG, be);
	fs->ipg = get32(sb + SB_IPG, be);
	fs->fpg = (int32_t)get32(sb + SB_FPG, be);
	fs->sblkno = (int32_t)get32(sb + SB_SBLKNO, be);
	fs->cblkno = (int32_t)get32(sb + SB_CBLKNO, be);
	fs->iblkno = (int32_t)get32(sb + SB_IBLKNO, be);
	fs->dblkno = (int32_t)get32(sb + SB_DBLKNO, be);
	fs->cgsize = (int32_t)get32(sb + SB_CGSIZE, be);
	fs->maxsymlinklen = (int32_t)get32(sb + SB_MAXSYMLINKLEN, be);
	fs->id[0] = get32(sb + SB_ID, be);
	fs->id[1] = get32(sb + SB_ID + 4, be);
	loadsbversion(fs, sb);
	memcpy(fs->volname, sb + SB_VOLNAME, 32);
	fs->volname[32] = '\0';
	memcpy(fs->fsmnt, sb + SB_FSMNT, 468);
	fs->fsmnt[468] = '\0';
}

/* The block and fragment sizes, and what follows from them. */
static void
checksizes(const struct ufs *fs, const struct sbraw *r, struct sbbad *b)
{
	SBCHECK(b, r->sbsize >= SB_STRUCTSIZE && r->sbsize <= SBLOCKSIZE,
	    "fs_sbsize", r->sbsize, "from %d to %d", SB_STRUCTSIZE,
	    SBLOCKSIZE);
	SBCHECK(b, ispow2(fs->bsize) && fs->bsize >= MINBSIZE &&
	    fs->bsize <= MAXBSIZE, "fs_bsize", fs->bsize,
	    "a power of two from %d to %d", MINBSIZE, MAXBSIZE);
	SBCHECK(b, ispow2(fs->fsize) && fs->fsize >= DEV_BSIZE &&
	    fs->fsize <= fs->bsize && fs->bsize / fs->fsize <= 8, "fs_fsize",
	    fs->fsize, "a power of two from %d to %d",
	    fs->bsize / 8 > DEV_BSIZE ? fs->bsize / 8 : DEV_BSIZE, fs->bsize);
	SBCHECK(b, fs->frag == fs->bsize / fs->fsize, "fs_frag", fs->frag,
	    "fs_bsize / fs_fsize = %d", fs->bsize / fs->fsize);
	SBCHECK(b, fs->bshift == log2i(fs->bsize), "fs_bshift", fs->bshift,
	    "%d", log2i(fs->bsize));
	SBCHECK(b, fs->fshift == log2i(fs->fsize), "fs_fshift", fs->fshift,
	    "%d", log2i(fs->fsize));
	SBCHECK(b, r->fragshift == log2i(fs->frag), "fs_fragshift",
	    r->fragshift, "%d", log2i(fs->frag));
	SBCHECK(b, r->fsbtodb == log2i(fs->fsize / DEV_BSIZE), "fs_fsbtodb",
	    r->fsbtodb, "%d", log2i(fs->fsize / DEV_BSIZE));
	SBCHECK(b, r->inopb == fs->bsize / fs->dinsize, "fs_inopb", r->inopb,
	    "fs_bsize / %d = %d", fs->dinsize, fs->bsize / fs->dinsize);
	SBCHECK(b, r->nindir == fs->bsize / (fs->ufs2 ? 8 : 4), "fs_nindir",
	    r->nindir, "%d", fs->bsize / (fs->ufs2 ? 8 : 4));
}

/* The cylinder groups and where their parts lie. */
static void
checkgroups(const struct ufs *fs, const struct sbraw *r, struct sbbad *b)
{
	int32_t inopb = r->inopb;

	SBCHECK(b, fs->ncg >= 1 && fs->ncg <= 0x7fffffff, "fs_ncg", fs->ncg,
	    "from 1 to %d", 0x7fffffff);
	SBCHECK(b, fs->ipg >= 1 && inopb > 0 && fs->ipg % (uint32_t)inopb == 0,
	    "fs_ipg", fs->ipg, "a positive multiple of fs_inopb (%d)", inopb);
	SBCHECK(b, (uint64_t)fs->ncg * fs->ipg <= 0xffffffffu, "fs_ipg",
	    fs->ipg, "at most %llu with %u cylinder groups",
	    0xffffffffull / (fs->ncg ? fs->ncg : 1), fs->ncg);
	SBCHECK(b, fs->fpg >= fs->frag && fs->fpg % fs->frag == 0, "fs_fpg",
	    fs->fpg, "a positive multiple of fs_frag (%d)", fs->frag);
	SBCHECK(b, fs->size > (int64_t)(fs->ncg - 1) * fs->fpg &&
	    fs->size <= (int64_t)fs->ncg * fs->fpg, "fs_size", fs->size,
	    "from %lld to %lld for %u cylinder groups of %d fragments",
	    (long long)(fs->ncg - 1) * fs->fpg + 1,
	    (long long)fs->ncg * fs->fpg, fs->ncg, fs->fpg);
	SBCHECK(b, fs->sblkno >= 0 && fs->sblkno < fs->cblkno, "fs_sblkno",
	    fs->sblkno, "below fs_cblkno (%d)", fs->cblkno);
	SBCHECK(b, fs->cblkno < fs->iblkno, "fs_cblkno", fs->cblkno,
	    "below fs_iblkno (%d)", fs->iblkno);
	SBCHECK(b, fs->cgsize > CG_INITEDIBLK + 4 && fs->cgsize <= MAXBSIZE &&
	    (int64_t)fs->cblkno * fs->fsize + fs->cgsize <=
	    (int64_t)fs->iblkno * fs->fsize, "fs_cgsize", fs->cgsize,
	    "from %d to %lld (the room before the inode blocks)",
	    CG_INITEDIBLK + 8,
	    ((long long)fs->iblkno - fs->cblkno) * fs->fsize);
	SBCHECK(b, inopb > 0 && fs->iblkno +
	    (int64_t)(fs->ipg / (uint32_t)inopb) * fs->frag <= fs->dblkno,
	    "fs_dblkno", fs->dblkno, "at least fs_iblkno + inode blocks = %lld",
	    (long long)fs->iblkno + (inopb > 0 ?
	    (long long)(fs->ipg / (uint32_t)inopb) * fs->frag : 0));
	SBCHECK(b, fs->dblkno <= fs->fpg, "fs_dblkno", fs->dblkno,
	    "at most fs_fpg (%d)", fs->fpg);
	SBCHECK(b, fs->maxsymlinklen >= 0 &&
	    fs->maxsymlinklen <= (fs->ufs2 ? 120 : 60), "fs_maxsymlinklen",
	    fs->maxsymlinklen, "from 0 to %d", fs->ufs2 ? 120 : 60);
}

#undef SBCHECK

/*
 * The file system, its fields each in range, must also fit: its last
 * group within fs_size, its bytes within an offset and the device.
 */
static int
checkextent(const struct ufs *fs, off_t loc)
{
	if (ufs_cgstart(fs, fs->ncg - 1) + fs->dblkno > fs->size) {
		warnmsg("%s: superblock at byte %lld: the last cylinder group "
		    "starts beyond fs_size (%lld fragments)", fs->dev,
		    (long long)loc, (long long)fs->size);
		return -1;
	}
	/* Divide: fs_size times fs_fsize can pass 2^63. */
	if (fs->size > INT64_MAX / fs->fsize) {
		warnmsg("%s: superblock at byte %lld: fs_size is %lld, more "
		    "fragments of %d bytes than an offset can address",
		    fs->dev, (long long)loc, (long long)fs->size, fs->fsize);
		return -1;
	}
	if (fs->devsize > 0 && fs->size > fs->devsize / fs->fsize) {
		warnmsg("%s: device holds %lld bytes but the file system is "
		    "%llu bytes (fs_size %lld fragments of %d): truncated?",
		    fs->dev, (long long)fs->devsize,
		    (unsigned long long)fs->size * (unsigned)fs->fsize,
		    (long long)fs->size, fs->fsize);
		return -1;
	}
	return 0;
}

/*
 * Copy the fields we use out of a candidate superblock.  Returns 0, or -1
 * after naming the first field that is out of its range.
 */
static int
loadsb(struct ufs *fs, const unsigned char *sb, off_t loc)
{
	struct sbraw r;
	struct sbbad b;

	memset(&b, 0, sizeof(b));
	loadsbfields(fs, sb, &r);
	checksizes(fs, &r, &b);
	checkgroups(fs, &r, &b);
	if (b.field != NULL) {
		warnmsg("%s: superblock at byte %lld: %s is %lld, must be %s",
		    fs->dev, (long long)loc, b.field, b.val, b.range);
		return -1;
	}
	fs->inopb = r.inopb;
	fs->nindir = r.nindir;
	fs->maxino = fs->ncg * fs->ipg;
	/* fs_maxfilesize where the superblock has one that makes sense:
	 * 4.2BSD's had no such field, and newfs sets at least the direct
	 * blocks' worth and at most what the pointers address. */
	fs->maxfilesize = get64(sb + SB_MAXFILESIZE, fs->be);
	if (fs->oldinofmt ||
	    fs->maxfilesize < (uint64_t)fs->bsize * UFS_NDADDR - 1 ||
	    fs->maxfilesize > ufs_addressable(fs->bsize, fs->ufs2))
		fs->maxfilesize = 0;
	return checkextent(fs, loc);
}

/* Look for a superblock the way the BSDs do; 0 when one is loaded. */
static int
findsb(struct ufs *fs)
{
	unsigned char sb[SBLOCKSIZE];
	char why[256] = "";
	size_t i;
	ssize_t n;
	uint32_t magic;
	int be;

	for (i = 0; i < NSBSEARCH; i++) {
		n = preadfull(fs->fd, sb, sizeof(sb), sbsearch[i]);
		if (n < 0) {
			warnmsg("%s: read at byte %lld:", fs->dev,
			    (long long)sbsearch[i]);
			return -1;
		}
		if (n < SB_STRUCTSIZE)
			continue;
		for (be = 0; be <= 1; be++) {
			magic = get32(sb + SB_MAGIC, be);
			if (magic == FS_UFS1_MAGIC || magic == FS_UFS2_MAGIC ||
			    magic == FS_UFS2EA_MAGIC)
				break;
		}
		if (be > 1)
			continue;
		fs->ufs2 = magic != FS_UFS1_MAGIC;
		if (fs->ufs2 &&
		    (off_t)get64(sb + SB_SBLOCKLOC, be) != sbsearch[i]) {
			snprintf(why, sizeof(why), " (the UFS2 superblock at "
			    "byte %lld is a copy: it says the superblock lives "
			    "at byte %lld)", (long long)sbsearch[i],
			    (long long)get64(sb + SB_SBLOCKLOC, be));
			continue;
		}
		/* A UFS1 magic at 64 KiB is the first alternate of a
		 * file system with 64 KiB blocks, never the superblock. */
		if (!fs->ufs2 && sbsearch[i] == 65536)
			continue;
		fs->be = be;
		fs->magic = magic;
		fs->sblockloc = sbsearch[i];
		return loadsb(fs, sb, sbsearch[i]);
	}
	warnmsg("%s: not a UFS1 or UFS2 file system: no superblock at byte "
	    "65536, 8192, 0 or 262144%s", fs->dev, why);
	return -1;
}

int
ufs_open(struct ufs *fs, const char *dev)
{
	int fd = open(dev, O_RDONLY);

	if (fd < 0) {
		memset(fs, 0, sizeof(*fs));
		fs->fd = -1;
		warnmsg("%s:", dev);
		return -1;
	}
	if (ufs_openfd(fs, fd, dev) != 0) {
		close(fd);
		return -1;
	}
	fs->sio = malloc(sizeof(*fs->sio));
	if (fs->sio != NULL &&
	    sectorio_open(fs->sio, dev, (size_t)fs->fsize) != 0) {
		free(fs->sio);
		fs->sio = NULL;
	}
	return 0;
}

/* The file system on an open descriptor, named dev in messages. */
int
ufs_openfd(struct ufs *fs, int fd, const char *dev)
{
	memset(fs, 0, sizeof(*fs));
	fs->dev = dev;
	fs->fd = fd;
	fs->devsize = devicesize(fd);
	if (findsb(fs) != 0) {
		fs->fd = -1;
		return -1;
	}
	return 0;
}

/*
 * Is the superblock at byte sblock of fd that of the file system with
 * fs_id id, UFS2 or UFS1 as ufs2 says, in byte order be?  What a reader
 * of a description (dscan's stream) checks before it reads blocks the
 * description names.  Returns 1 if it is, 0 if not, -1 with errno set if
 * the superblock cannot be read (EIO for a short read).
 */
int
ufs_samefs(int fd, off_t sblock, int ufs2, int be, const uint32_t id[2])
{
	unsigned char sb[SBLOCKSIZE];
	ssize_t got;
	uint32_t magic;

	got = preadfull(fd, sb, sizeof(sb), sblock);
	if (got < 0)
		return -1;
	if ((size_t)got != sizeof(sb)) {
		errno = EIO;
		return -1;
	}
	magic = get32(sb + SB_MAGIC, be);
	if (ufs2 ? magic != FS_UFS2_MAGIC && magic != FS_UFS2EA_MAGIC :
	    magic != FS_UFS1_MAGIC)
		return 0;
	return get32(sb + SB_ID, be) == id[0] &&
	    get32(sb + SB_ID + 4, be) == id[1];
}

void
ufs_close(struct ufs *fs)
{
	if (fs->fd >= 0)
		close(fs->fd);
	fs->fd = -1;
	if (fs->sio != NULL) {
		sectorio_close(fs->sio);
		free(fs->sio);
		fs->sio = NULL;
	}
}

/*
 * Read len bytes at byte off in whole fragments (so in whole sectors,
 * whatever the disk's sector size).  Returns 0, or -1 with errno set
 * (EIO for a short read).
 */
int
ufs_pread(const struct ufs *fs, void *buf, size_t len, off_t off)
{
	ssize_t got = preadunits(fs->fd, buf, len, off, (size_t)fs->fsize);

	if (got == (ssize_t)len)
		return 0;
	if (got >= 0)
		errno = EIO;
	return -1;
}

/*
 * After ufs_pread failed: read the range again sector by sector past
 * the cache; see sectorio_salvage.  When every sector reads, say so:
 * a read that fails and then succeeds is a disk going bad.
 */
unsigned long
ufs_salvage(const struct ufs *fs, void *buf, size_t len, off_t off,
    badsector_fn bad, void *arg)
{
	unsigned long n;
	int err = errno;

	n = sectorio_salvage(fs->sio, fs->fd, fs->dev, buf, len, off, bad,
	    arg);
	if (n == 0)
		warnmsg("%s: read of %zu bytes at byte %lld failed (%s), then "
		    "read sector by sector without error: the disk may be "
		    "failing", fs->dev, len, (long long)off, strerror(err));
	return n;
}

/* First fragment of cylinder group cg (cgstart in <ufs/ffs/fs.h>). */
int64_t
ufs_cgstart(const struct ufs *fs, uint32_t cg)
{
	int64_t base = (int64_t)fs->fpg * cg;

	if (fs->ufs2)
		return base;
	return base + (int64_t)fs->old_cgoffset *
	    (int64_t)(cg & ~(uint32_t)fs->old_cgmask);
}

/*
 * Read the header of cylinder group cg into buf (fs->cgsize bytes).
 * Returns -1 on a read error; a header that fails its checks is reported
 * through ci->ok, with initediblk set to cover the whole group.
 */
int
ufs_readcg(const struct ufs *fs, uint32_t cg, unsigned char *buf,
    struct cginfo *ci)
{
	off_t off = (off_t)(ufs_cgstart(fs, cg) + fs->cblkno) * fs->fsize;
	uint32_t init;

	if (ufs_pread(fs, buf, (size_t)fs->cgsize, off) != 0)
		return -1;
	ci->initediblk = fs->ipg;
	ci->why[0] = '\0';
	init = fs->ufs2 ? get32(buf + CG_INITEDIBLK, fs->be) : fs->ipg;
	if (get32(buf + CG_MAGIC_OFF, fs->be) != CG_MAGIC)
		snprintf(ci->why, sizeof(ci->why), "magic number 0x%x, not "
		    "0x%06x", get32(buf + CG_MAGIC_OFF, fs->be), CG_MAGIC);
	else if (get32(buf + CG_CGX, fs->be) != cg)
		snprintf(ci->why, sizeof(ci->why), "cg_cgx %u, not its index",
		    get32(buf + CG_CGX, fs->be));
	else if (init > fs->ipg)
		snprintf(ci->why, sizeof(ci->why), "cg_initediblk %u, more "
		    "than the %u inodes of a group", init, fs->ipg);
	else
		ci->initediblk = init;
	ci->ok = ci->why[0] == '\0';
	return 0;
}

/* Byte offset of inode ino on the device. */
off_t
ufs_inooff(const struct ufs *fs, uint32_t ino)
{
	uint32_t cg = ino / fs->ipg, rel = ino % fs->ipg;
	int64_t frag;

	frag = ufs_cgstart(fs, cg) + fs->iblkno +
	    (int64_t)(rel / (uint32_t)fs->inopb) * fs->frag;
	return (off_t)frag * fs->fsize +
	    (off_t)(rel % (uint32_t)fs->inopb) * fs->dinsize;
}

/*
 * Where each field of struct dinode lies in a UFS1 and in a UFS2 inode:
 * byte offset (-1: not there) and width in bytes, negative for a signed
 * 32-bit value that widens to 64 bits; n fields in a row for arrays.
 */
struct difield {
	size_t		 dst, dstsize;	/* in struct dinode */
	int		 n;
	int		 off1, w1;	/* UFS1 */
	int		 off2, w2;	/* UFS2 */
};

#define DI(f, n)	offsetof(struct dinode, f), \
	sizeof(((struct dinode *)0)->f) / (n), (n)

static const struct difield difields[] = {
	{ DI(mode, 1), 0, 2, 0, 2 },
	{ DI(nlink, 1), 2, 2, 2, 2 },
	{ DI(uid, 1), 112, 4, 4, 4 },	/* 4.2BSD: 16 bits at 4 */
	{ DI(gid, 1), 116, 4, 8, 4 },	/* 4.2BSD: 16 bits at 6 */
	{ DI(size, 1), 8, 8, 16, 8 },
	{ DI(blocks, 1), 104, 4, 24, 8 },
	{ DI(atime, 1), 16, -4, 32, 8 },
	{ DI(mtime, 1), 24, -4, 40, 8 },
	{ DI(ctime, 1), 32, -4, 48, 8 },
	{ DI(birthtime, 1), -1, 0, 56, 8 },
	{ DI(atimensec, 1), 20, 4, 68, 4 },
	{ DI(mtimensec, 1), 28, 4, 64, 4 },
	{ DI(ctimensec, 1), 36, 4, 72, 4 },
	{ DI(birthnsec, 1), -1, 0, 76, 4 },
	{ DI(gen, 1), 108, 4, 80, 4 },
	{ DI(flags, 1), 100, 4, 88, 4 },
	{ DI(extsize, 1), -1, 0, 92, 4 },
	{ DI(extb, UFS_NXADDR), -1, 0, 96, 8 },
	{ DI(db, UFS_NDADDR), 40, -4, 112, 8 },
	{ DI(ib, UFS_NIADDR), 88, -4, 208, 8 },
};

#undef DI

static uint64_t
getfield(const unsigned char *p, int w, int be)
{
	switch (w) {
	case 2:
		return get16(p, be);
	case 4:
		return get32(p, be);
	case -4:
		return (uint64_t)(int64_t)(int32_t)get32(p, be);
	default:
		return get64(p, be);
	}
}

/* Store v, cut to size bytes, in the field at dst. */
static void
putfield(unsigned char *dst, size_t size, uint64_t v)
{
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	if (size == 2)
		memcpy(dst, &v16, 2);
	else if (size == 4)
		memcpy(dst, &v32, 4);
	else
		memcpy(dst, &v, 8);
}

void
ufs_decode(const struct ufs *fs, const unsigned char *p, uint32_t ino,
    struct dinode *dp)
{
	const struct difield *f;
	int be = fs->be, i, off, w;

	memset(dp, 0, sizeof(*dp));
	dp->ino = ino;
	for (f = difields; f < difields + sizeof(difields) /
	    sizeof(difields[0]); f++) {
		off = fs->ufs2 ? f->off2 : f->off1;
		w = fs->ufs2 ? f->w2 : f->w1;
		for (i = 0; off >= 0 && i < f->n; i++)
			putfield((unsigned char *)dp + f->dst +
			    (size_t)i * f->dstsize, f->dstsize,
			    getfield(p + off + i * (w < 0 ? -w : w), w, be));
	}
	if (!fs->ufs2 && fs->oldinofmt) {
		dp->uid = get16(p + 4, be);
		dp->gid = get16(p + 6, be);
	}
	/* A short symbolic link's target is in the block pointers. */
	memcpy(dp->shortlink, p + (fs->ufs2 ? 112 : 40), fs->ufs2 ? 120 : 60);
	dp->rdev = fs->ufs2 ? (uint64_t)dp->db[0] : (uint32_t)dp->db[0];
}

int
ufs_validtype(uint16_t mode)
{
	switch (mode & UFS_IFMT) {
	case UFS_IFIFO: case UFS_IFCHR: case UFS_IFDIR: case UFS_IFBLK:
	case UFS_IFREG: case UFS_IFLNK: case UFS_IFSOCK:
		return 1;
	}
	return 0;
}

char
ufs_typechar(uint16_t mode)
{
	switch (mode & UFS_IFMT) {
	case UFS_IFDIR:	return 'd';
	case UFS_IFREG:	return 'f';
	case UFS_IFLNK:	return 'l';
	case UFS_IFCHR:	return 'c';
	case UFS_IFBLK:	return 'b';
	case UFS_IFIFO:	return 'p';
	case UFS_IFSOCK: return 's';
	case UFS_IFWHT:	return 'w';
	}
	return '?';
}

/*
 * The bytes that the direct pointers of an inode and its three levels of
 * indirect blocks address, with blocks of bsize bytes.
 */
uint64_t
ufs_addressable(int32_t bsize, int ufs2)
{
	uint64_t nindir = (uint64_t)bsize / (ufs2 ? 8 : 4);
	uint64_t blocks = UFS_NDADDR, per = 1, lim = UINT64_MAX >> 1;
	int i;

	for (i = 0; i < UFS_NIADDR; i++) {
		per *= nindir;
		blocks += per;
	}
	if (bsize <= 0 || blocks > lim / (uint64_t)bsize)
		return lim;
	return blocks * (uint64_t)bsize;
}

/* Is this symbolic link kept inside the inode? (dump's test) */
int
ufs_isshortlink(const struct ufs *fs, const struct dinode *dp)
{
	return (dp->mode & UFS_IFMT) == UFS_IFLNK && dp->size > 0 &&
	    dp->size < (uint64_t)fs->maxsymlinklen;
}

/* 0 if an allocated inode looks usable; else -1 and a reason in *why. */
int
ufs_checkino(const struct ufs *fs, const struct dinode *dp, const char **why)
{
	if (!ufs_validtype(dp->mode)) {
		*why = "unknown file type";
		return -1;
	}
	if (dp->size > ufs_addressable(fs->bsize, fs->ufs2)) {
		*why = "size beyond the bytes that 12 direct blocks and 3 "
		    "levels of indirect blocks address";
		return -1;
	}
	if (fs->maxfilesize > 0 && dp->size > fs->maxfilesize) {
		*why = "size beyond the superblock's largest file "
		    "(fs_maxfilesize)";
		return -1;
	}
	/* restore reads a directory whole, in 512-byte blocks; past 256 MB
	 * the Linux and DragonFly restores take its size for byte-swapped
	 * and misread every size after it. */
	if ((dp->mode & UFS_IFMT) == UFS_IFDIR &&
	    (dp->size == 0 || dp->size % 512 != 0 || dp->size > 0xfffffff)) {
		*why = "directory size not a positive multiple of 512 "
		    "below 256 MB";
		return -1;
	}
	if (dp->extsize > (uint32_t)UFS_NXADDR * (uint32_t)fs->bsize ||
	    (!fs->ufs2 && dp->extsize != 0)) {
		*why = "extended-attribute size beyond its two blocks";
		return -1;
	}
	return 0;
}

/*
 * Read n inodes from start into buf with one read.  They must lie in one
 * cylinder group, where inode blocks are contiguous.  Returns 0 or -1.
 */
int
ufs_readinodes(const struct ufs *fs, uint32_t start, uint32_t n,
    unsigned char *buf)
{
	return ufs_pread(fs, buf, (size_t)n * (size_t)fs->dinsize,
	    ufs_inooff(fs, start));
}
