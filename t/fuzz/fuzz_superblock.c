/*
 * Fuzz the superblock search and checks (ufs_openfd), the same-file-
 * system check (ufs_samefs) and the cylinder group reader: the input is
 * a whole image.  Every field that the
 * checks accept is then used the way dscan uses it: every group's
 * header is read, and the inodes of the first group are decoded.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ufs.h"

/*
 * Inputs are images; one of a few hundred KiB already holds every
 * structure read here, and ufs_openfd refuses any file system larger
 * than its image, so larger inputs only make each run slower.
 */
#define MAXIMAGE	(1 << 20)

static int
ispow2(int64_t v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

/* What ufs_openfd promises about a file system it accepts. */
static void
checkfs(const struct ufs *fs, size_t size)
{
	if (!ispow2(fs->bsize) || fs->bsize < MINBSIZE ||
	    fs->bsize > MAXBSIZE || !ispow2(fs->fsize) ||
	    fs->fsize < DEV_BSIZE || fs->fsize > fs->bsize ||
	    fs->frag != fs->bsize / fs->fsize || fs->frag > 8)
		BUG("block size %d, fragment size %d, frag %d accepted",
		    fs->bsize, fs->fsize, fs->frag);
	if ((1 << fs->bshift) != fs->bsize || (1 << fs->fshift) != fs->fsize)
		BUG("shifts %d and %d accepted for %d and %d", fs->bshift,
		    fs->fshift, fs->bsize, fs->fsize);
	if (fs->dinsize != (fs->ufs2 ? 256 : 128) ||
	    fs->inopb != fs->bsize / fs->dinsize ||
	    fs->nindir != fs->bsize / (fs->ufs2 ? 8 : 4))
		BUG("inopb %d, nindir %d accepted", fs->inopb, fs->nindir);
	if (fs->ncg < 1 || fs->ipg < 1 || fs->ipg % (uint32_t)fs->inopb != 0 ||
	    (uint64_t)fs->ncg * fs->ipg != fs->maxino)
		BUG("ncg %u, ipg %u, maxino %u accepted", fs->ncg, fs->ipg,
		    fs->maxino);
	if (fs->size <= 0 || (uint64_t)fs->size > size / (uint64_t)fs->fsize)
		BUG("a file system of %lld fragments of %d bytes accepted on "
		    "an image of %zu bytes", (long long)fs->size, fs->fsize,
		    size);
	if (fs->cgsize <= 0 || fs->cgsize > MAXBSIZE)
		BUG("cylinder group size %d accepted", fs->cgsize);
	if (fs->maxsymlinklen < 0 || fs->maxsymlinklen > 120)
		BUG("maxsymlinklen %d accepted", fs->maxsymlinklen);
	if (fs->sblockloc < 0 || (uint64_t)fs->sblockloc + 1376 > size)
		BUG("superblock at %lld accepted", (long long)fs->sblockloc);
	if (strlen(fs->volname) > 32 || strlen(fs->fsmnt) > 468)
		BUG("unterminated volume or mount name");
}

/* Decode the first group's inodes, as dscan's pass I would. */
static void
inodes(const struct ufs *fs, uint32_t n)
{
	unsigned char *buf;
	struct dinode di;
	const char *why;
	uint32_t ino, i;

	if ((buf = malloc((size_t)fs->bsize)) == NULL)
		FATAL("malloc");
	for (ino = 0; ino < n; ino += (uint32_t)fs->inopb) {
		if (ufs_readinodes(fs, ino, (uint32_t)fs->inopb, buf) != 0)
			break;
		for (i = 0; i < (uint32_t)fs->inopb; i++) {
			ufs_decode(fs, buf + (size_t)i * (size_t)fs->dinsize,
			    ino + i, &di);
			if (di.ino != ino + i)
				BUG("inode %u decoded as %u", ino + i, di.ino);
			why = NULL;
			if (ufs_checkino(fs, &di, &why) != 0 && why == NULL)
				BUG("inode %u refused without a reason",
				    ino + i);
			if (ufs_isshortlink(fs, &di) &&
			    di.size > sizeof(di.shortlink))
				BUG("inode %u: a short link of %llu bytes",
				    ino + i, (unsigned long long)di.size);
			(void)ufs_typechar(di.mode);
		}
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ufs fs;
	struct cginfo ci;
	unsigned char *cg;
	uint32_t c, first;
	int fd;

	if (size > MAXIMAGE)
		return 0;
	fd = fuzz_file(data, size, 0, NULL);
	if (ufs_openfd(&fs, fd, "fuzz") != 0)
		return 0;
	checkfs(&fs, size);
	/* What dblkread checks: the superblock found is the one described. */
	if ((uint64_t)fs.sblockloc + SBLOCKSIZE <= size &&
	    ufs_samefs(fd, fs.sblockloc, fs.ufs2, fs.be, fs.id) != 1)
		BUG("ufs_samefs: the superblock at %lld is not its own file "
		    "system", (long long)fs.sblockloc);
	if ((cg = malloc((size_t)fs.cgsize)) == NULL)
		FATAL("malloc");
	first = fs.ipg;
	/* Bounded: checkfs made sure that fs.size fits the image. */
	for (c = 0; c < fs.ncg; c++) {
		if (ufs_readcg(&fs, c, cg, &ci) != 0)
			continue;
		if (ci.initediblk > fs.ipg)
			BUG("group %u: %u initialised inodes of %u", c,
			    ci.initediblk, fs.ipg);
		if (c == 0)
			first = ci.initediblk;
		(void)ufs_inooff(&fs, c * fs.ipg);
	}
	free(cg);
	inodes(&fs, first);
	/* The descriptor is ours and stays open: no ufs_close. */
	return 0;
}
