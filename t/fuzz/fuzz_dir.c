/*
 * Fuzz the directory block reader, dir_blocks.  The input is five bytes
 * of set-up and then the directory's bytes:
 *
 *	byte 0		bit 0: big-endian; bit 1: 4.2BSD directories (a
 *			16-bit name length, no type); bit 2: stop the walk
 *			at the third entry
 *	bytes 1 to 4	maxino, little-endian
 *	the rest	directory blocks (a partial last block is ignored)
 *
 * Every entry handed out must lie in its 512-byte block, name an inode
 * other than 0 (one beyond maxino is handed on for the caller to judge)
 * and have a name without '/' or NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dir.h"
#include "fuzz.h"
#include "ufs.h"

/*
 * dscan reads a directory 64 KiB at a time; dir_blocks never sees more,
 * and more blocks only repeat what the first ones test.
 */
#define MAXDIR		(64 * 1024)
#define SETUP		5
#define STOPAT		3

struct check {
	const struct ufs	*fs;
	const unsigned char	*p;
	size_t			 len;
	uint64_t		 off;
	int			 stop;
	unsigned		 n;
};

static int
onentry(void *arg, const struct dent *d)
{
	struct check *c = arg;
	size_t at, blkend;

	if (d->off < c->off || d->off - c->off >= c->len)
		BUG("entry at offset %llu outside the blocks",
		    (unsigned long long)d->off);
	at = (size_t)(d->off - c->off);
	blkend = at - at % DIRBLKSIZ + DIRBLKSIZ;
	if (at % 4 != 0 || d->name != c->p + at + 8 ||
	    at + 8 + d->namlen > blkend || blkend > c->len)
		BUG("entry at %zu: a name of %u bytes crosses its block", at,
		    d->namlen);
	if (d->namlen == 0 || d->namlen > UFS_MAXNAMLEN)
		BUG("entry at %zu: name length %u", at, d->namlen);
	if (memchr(d->name, '/', d->namlen) != NULL ||
	    memchr(d->name, '\0', d->namlen) != NULL)
		BUG("entry at %zu: a name with '/' or NUL", at);
	if (d->ino == 0)
		BUG("entry at %zu: inode 0 handed on", at);
	if (c->fs->oldinofmt && d->type != 0)
		BUG("entry at %zu: a type on a 4.2BSD directory", at);
	(void)dir_isdot(d);
	if (++c->n == STOPAT && c->stop)
		return 42;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ufs fs;
	struct check c;
	unsigned char *p;
	unsigned long errors = 0;
	size_t len;
	int rc;

	if (size < SETUP || size - SETUP > MAXDIR)
		return 0;
	memset(&fs, 0, sizeof(fs));
	fs.dev = "fuzz";
	fs.fd = -1;
	fs.be = data[0] & 1;
	fs.oldinofmt = (data[0] >> 1) & 1;
	fs.maxino = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
	    (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
	/* A copy of its own, so that reading past the end is caught. */
	len = size - SETUP;
	if ((p = malloc(len > 0 ? len : 1)) == NULL)
		FATAL("malloc");
	memcpy(p, data + SETUP, len);
	memset(&c, 0, sizeof(c));
	c.fs = &fs;
	c.p = p;
	c.len = len;
	c.off = 1024;
	c.stop = (data[0] >> 2) & 1;
	rc = dir_blocks(&fs, UFS_ROOTINO, p, len, c.off, onentry, &c,
	    &errors);
	if (rc != (c.stop && c.n == STOPAT ? 42 : 0))
		BUG("dir_blocks returned %d after %u entries", rc, c.n);
	free(p);
	return 0;
}
