/*
 * Directories in the 4.4BSD format: chunks of DIRBLKSIZ bytes, each
 * entry a u32 inode, u16 record length, u8 type, u8 name length, the
 * name and a NUL, padded to 4 bytes; an entry never crosses a chunk and
 * the record lengths of a chunk add up to it.  A directory is read whole,
 * changed in memory and written back a chunk at a time.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "esc.h"
#include "ufsedit.h"

#define MAXDIRSIZE	(64u << 20)	/* more than a test ever needs */

struct dent {
	uint32_t	ino;
	uint32_t	reclen;
	int		type;
	size_t		namlen;
};

int
dtype(uint16_t mode)
{
	switch (mode & UFS_IFMT) {
	case UFS_IFIFO:	return DT_FIFO;
	case UFS_IFCHR:	return DT_CHR;
	case UFS_IFDIR:	return DT_DIR;
	case UFS_IFBLK:	return DT_BLK;
	case UFS_IFREG:	return DT_REG;
	case UFS_IFLNK:	return DT_LNK;
	case UFS_IFSOCK: return DT_SOCK;
	}
	return 0;
}

static void
dget(const struct ed *ed, const unsigned char *p, struct dent *e)
{
	e->ino = get32(p, ed->fs.be);
	e->reclen = get16(p + 4, ed->fs.be);
	e->type = p[6];
	e->namlen = p[7];
}

static void
dput(const struct ed *ed, unsigned char *p, uint32_t ino, uint32_t reclen,
    int type, const unsigned char *name, size_t len)
{
	put32(p, ino, ed->fs.be);
	put16(p + 4, (uint16_t)reclen, ed->fs.be);
	p[6] = (unsigned char)type;
	p[7] = (unsigned char)len;
	memcpy(p + 8, name, len);
	memset(p + 8 + len, 0, DIRSIZ(len) - 8 - len);
}

/* Read directory ip whole, checking every entry (ufs_dirbadentry). */
static int
ed_dir_load(struct ed *ed, struct inode *ip, unsigned char **bufp)
{
	uint64_t size = ip->d.size, off, end;
	unsigned char *buf;
	struct dent e;

	if ((ip->d.mode & UFS_IFMT) != UFS_IFDIR)
		return fail(ed, "inode %u is not a directory", ip->ino);
	if (size == 0 || size % DIRBLKSIZ != 0 || size > MAXDIRSIZE)
		return fail(ed, "directory inode %u: size %llu is not a "
		    "positive multiple of %d", ip->ino,
		    (unsigned long long)size, DIRBLKSIZ);
	if ((buf = malloc((size_t)size)) == NULL)
		return fail(ed, "out of memory");
	if (f_read(ed, ip, 0, buf, (size_t)size) != 0) {
		free(buf);
		return -1;
	}
	for (off = 0; off < size; off += e.reclen) {
		dget(ed, buf + off, &e);
		end = (off / DIRBLKSIZ + 1) * DIRBLKSIZ;
		if (e.reclen % 4 != 0 || e.reclen < DIRSIZ(e.namlen) ||
		    e.reclen > end - off || e.ino >= ed->fs.maxino ||
		    (e.ino != 0 && memchr(buf + off + 8, '/', e.namlen))) {
			free(buf);
			return fail(ed, "%s: directory inode %u: bad entry at "
			    "byte %llu", ed->fs.dev, ip->ino,
			    (unsigned long long)off);
		}
	}
	*bufp = buf;
	return 0;
}

/* Offset of the live entry called name, and of the entry before it in
 * its chunk (-1: it is the first); 0 when found. */
static int
find(const struct ed *ed, const unsigned char *buf, uint64_t size,
    const unsigned char *name, size_t len, uint64_t *at, int64_t *prev)
{
	uint64_t off;
	struct dent e;

	*prev = -1;
	for (off = 0; off < size; off += e.reclen) {
		if (off % DIRBLKSIZ == 0)
			*prev = -1;
		dget(ed, buf + off, &e);
		if (e.ino != 0 && e.namlen == len &&
		    memcmp(buf + off + 8, name, len) == 0) {
			*at = off;
			return 0;
		}
		*prev = (int64_t)off;
	}
	return -1;
}

int
ed_dir_walk(struct ed *ed, struct inode *ip,
    int (*fn)(void *arg, uint64_t off, uint32_t ino, int type,
    const unsigned char *name, size_t len), void *arg)
{
	unsigned char *buf;
	uint64_t off;
	struct dent e;
	int r = 0;

	if (ed_dir_load(ed, ip, &buf) != 0)
		return -1;
	for (off = 0; off < ip->d.size && r == 0; off += e.reclen) {
		dget(ed, buf + off, &e);
		if (e.ino != 0)
			r = fn(arg, off, e.ino, e.type, buf + off + 8,
			    e.namlen);
	}
	free(buf);
	return r;
}

int
ed_dir_lookup(struct ed *ed, uint32_t dino, const unsigned char *name,
    size_t len, uint32_t *ino)
{
	struct inode dp;
	unsigned char *buf;
	uint64_t at;
	int64_t prev;

	if (ino_get(ed, dino, &dp) != 0 || ed_dir_load(ed, &dp, &buf) != 0)
		return -1;
	*ino = 0;
	if (find(ed, buf, dp.d.size, name, len, &at, &prev) == 0)
		*ino = get32(buf + at, ed->fs.be);
	free(buf);
	return 0;
}

/* Write back the chunk holding off and stamp the directory. */
static int
putchunk(struct ed *ed, struct inode *dp, const unsigned char *buf,
    uint64_t off)
{
	off -= off % DIRBLKSIZ;
	if (f_write(ed, dp, off, buf + off, DIRBLKSIZ) != 0)
		return -1;
	ino_touch(ed, dp, T_MOD | T_CHG);
	return ino_put(ed, dp);
}

/*
 * Add an entry in the first entry with room to spare, splitting it, or
 * in a new chunk at the end (ufs_direnter).
 */
int
ed_dir_enter(struct ed *ed, uint32_t dino, const unsigned char *name,
    size_t len, uint32_t ino, int type)
{
	struct inode dp;
	unsigned char *buf, chunk[DIRBLKSIZ];
	uint64_t off;
	struct dent e;
	size_t need = DIRSIZ(len), used;
	int r;

	if (ino_get(ed, dino, &dp) != 0 || ed_dir_load(ed, &dp, &buf) != 0)
		return -1;
	for (off = 0; off < dp.d.size; off += e.reclen) {
		dget(ed, buf + off, &e);
		used = e.ino != 0 ? DIRSIZ(e.namlen) : 0;
		if (e.reclen - used < need)
			continue;
		if (used > 0)
			put16(buf + off + 4, (uint16_t)used, ed->fs.be);
		dput(ed, buf + off + used, ino, (uint32_t)(e.reclen - used),
		    type, name, len);
		r = putchunk(ed, &dp, buf, off);
		free(buf);
		return r;
	}
	free(buf);
	memset(chunk, 0, sizeof(chunk));
	dput(ed, chunk, ino, DIRBLKSIZ, type, name, len);
	if (f_write(ed, &dp, dp.d.size, chunk, DIRBLKSIZ) != 0)
		return -1;
	ino_touch(ed, &dp, T_MOD | T_CHG);
	return ino_put(ed, &dp);
}

/* Drop an entry: its space joins the entry before it (ufs_dirremove). */
int
ed_dir_remove(struct ed *ed, uint32_t dino, const unsigned char *name,
    size_t len)
{
	struct inode dp;
	unsigned char *buf;
	uint64_t at;
	int64_t prev;
	int r;

	if (ino_get(ed, dino, &dp) != 0 || ed_dir_load(ed, &dp, &buf) != 0)
		return -1;
	if (find(ed, buf, dp.d.size, name, len, &at, &prev) != 0) {
		free(buf);
		return fail(ed, "directory inode %u: no entry to remove",
		    dino);
	}
	if (prev < 0)
		put32(buf + at, 0, ed->fs.be);
	else
		put16(buf + prev + 4, (uint16_t)(get16(buf + prev + 4,
		    ed->fs.be) + get16(buf + at + 4, ed->fs.be)), ed->fs.be);
	r = putchunk(ed, &dp, buf, at);
	free(buf);
	return r;
}

/* Point an existing entry at another inode (ufs_dirrewrite). */
int
ed_dir_rewrite(struct ed *ed, uint32_t dino, const unsigned char *name,
    size_t len, uint32_t ino, int type)
{
	struct inode dp;
	unsigned char *buf;
	uint64_t at;
	int64_t prev;
	int r;

	if (ino_get(ed, dino, &dp) != 0 || ed_dir_load(ed, &dp, &buf) != 0)
		return -1;
	if (find(ed, buf, dp.d.size, name, len, &at, &prev) != 0) {
		free(buf);
		return fail(ed, "directory inode %u: no entry to rewrite",
		    dino);
	}
	put32(buf + at, ino, ed->fs.be);
	buf[at + 6] = (unsigned char)type;
	r = putchunk(ed, &dp, buf, at);
	free(buf);
	return r;
}

static int
notdots(void *arg, uint64_t off, uint32_t ino, int type,
    const unsigned char *name, size_t len)
{
	(void)arg;
	(void)off;
	(void)type;
	if (ino == UFS_WINO)		/* a whiteout does not count */
		return 0;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	return 1;
}

int
ed_dir_isempty(struct ed *ed, struct inode *ip, int *empty)
{
	int r = ed_dir_walk(ed, ip, notdots, NULL);

	if (r < 0)
		return -1;
	*empty = r == 0;
	return 0;
}

/* The first chunk of a new directory: "." and "..". */
int
ed_dir_init(struct ed *ed, struct inode *ip, uint32_t parent)
{
	unsigned char chunk[DIRBLKSIZ];

	memset(chunk, 0, sizeof(chunk));
	dput(ed, chunk, ip->ino, DIRSIZ(1), DT_DIR,
	    (const unsigned char *)".", 1);
	dput(ed, chunk + DIRSIZ(1), parent, DIRBLKSIZ - DIRSIZ(1), DT_DIR,
	    (const unsigned char *)"..", 2);
	return f_write(ed, ip, 0, chunk, DIRBLKSIZ);
}

static const char *
shown(const unsigned char *s, size_t n)
{
	static char buf[ESC_MAX(UFS_MAXNAMLEN)];

	esc_encode(buf, s, n);
	return buf;
}

/*
 * Split a path (relative to the root; empty components ignored) into
 * the directory that holds its last name, the name and the inode it
 * names now.  Symbolic links are never followed.
 */
int
namei(struct ed *ed, const unsigned char *path, size_t plen, struct nd *nd)
{
	struct inode ip;
	size_t pos = 0, start, clen;

	nd->dir = UFS_ROOTINO;
	nd->ino = UFS_ROOTINO;
	nd->len = 0;
	for (;;) {
		while (pos < plen && path[pos] == '/')
			pos++;
		if (pos == plen)
			return 0;
		start = pos;
		while (pos < plen && path[pos] != '/')
			pos++;
		clen = pos - start;
		if (clen > UFS_MAXNAMLEN)
			return fail(ed, "a name is longer than %d bytes",
			    UFS_MAXNAMLEN);
		if (memchr(path + start, '\0', clen) != NULL)
			return fail(ed, "a name holds a NUL byte");
		if (nd->len > 0) {
			if (nd->ino == 0)
				return fail(ed, "%s: no such directory",
				    shown(nd->name, nd->len));
			if (ino_get(ed, nd->ino, &ip) != 0)
				return -1;
			if ((ip.d.mode & UFS_IFMT) != UFS_IFDIR)
				return fail(ed, "%s: not a directory",
				    shown(nd->name, nd->len));
			nd->dir = nd->ino;
		}
		memcpy(nd->name, path + start, clen);
		nd->len = clen;
		if (ed_dir_lookup(ed, nd->dir, nd->name, clen, &nd->ino) != 0)
			return -1;
	}
}
