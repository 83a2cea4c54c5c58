/*
 * The passes of dscan, after dump(8): pass I reads every inode and builds
 * the maps; passes III and IV write the directories and then the other
 * files in ascending inode order, with their block runs.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bitmap.h"
#include "bmap.h"
#include "bytes.h"
#include "dir.h"
#include "dscan.h"
#include "esc.h"
#include "msg.h"
#include "spcl.h"
#include "str.h"
#include "stream.h"

struct lostino {
	struct scan	*s;
	uint32_t	 start;		/* first inode of the window */
	off_t		 base;		/* its byte on the device */
};

/*
 * A sector of inodes could not be read: mark its inodes unreadable and,
 * the first time, name them and count the error once.
 */
static void
lostinodes(void *arg, off_t at, size_t len, unsigned long nsec,
    int err)
{
	struct lostino *l = arg;
	struct scan *s = l->s;
	const struct ufs *fs = &s->fs;
	uint32_t first = (uint32_t)((at - l->base) / fs->dinsize), n, i;

	(void)nsec;
	n = (uint32_t)((len + (size_t)fs->dinsize - 1) / (size_t)fs->dinsize);
	for (i = first; i < first + n; i++)
		s->ibad[i] = 1;
	first += l->start;
	if (bm_isset(s->ilost, first))
		return;
	for (i = first; i < first + n; i++)
		bm_set(s->ilost, i);
	s->nlost += n;
	s->errors++;
	errno = err != 0 ? err : EIO;
	warnmsg("%s: inodes %u to %u (cylinder group %u, %zu bytes at byte "
	    "%lld): cannot read; they are not dumped:", fs->dev, first,
	    first + n - 1, first / fs->ipg, len, (long long)at);
}

struct lostname {
	struct scan	*s;
	uint32_t	 ino;
};

static void
putlost(void *arg, const char *path, size_t len)
{
	struct lostname *l = arg;
	char esc[ESC_MAX(STREAM_PATHMAX)];

	esc_encode(esc, (const unsigned char *)path, len);
	warnmsg("%s: inode %u, lost with its sector, was %s", l->s->fs.dev,
	    l->ino, esc);
}

/* Name every path of the inodes lost to read errors (escaped). */
void
scan_namelost(struct scan *s, struct names *nm)
{
	struct lostname l;
	uint64_t ino = 0;

	l.s = s;
	while ((ino = bm_next(s->ilost, ino + 1, s->fs.maxino)) <
	    s->fs.maxino) {
		l.ino = (uint32_t)ino;
		names_each(s, nm, l.ino, putlost, &l);
	}
}

/*
 * After the read of a window of inodes failed: read it sector by
 * sector, marking the inodes of each sector that cannot be read.
 */
static void
salvage(struct scan *s, uint32_t start, uint32_t n)
{
	struct lostino l;

	l.s = s;
	l.start = start;
	l.base = ufs_inooff(&s->fs, start);
	ufs_salvage(&s->fs, s->ibuf, (size_t)n * (size_t)s->fs.dinsize,
	    l.base, lostinodes, &l);
}

/*
 * Point *raw at inode ino, reading a window of whole inode blocks when
 * ino is not in the current one.  Returns 1, 0 for an inode beyond its
 * group's initialised inodes, or -1 when its block cannot be read (each
 * such block is reported once).
 */
int
scan_getraw(struct scan *s, uint32_t ino, const unsigned char **raw)
{
	const struct ufs *fs = &s->fs;
	uint32_t cg = ino / fs->ipg, base = cg * fs->ipg;
	uint32_t limit = base + s->inited[cg], start, n;

	if (ino >= limit)
		return 0;
	if (ino < s->ifirst || ino >= s->ifirst + s->icount) {
		start = ino - (ino - base) % (uint32_t)fs->inopb;
		n = limit - start < s->icap ? limit - start : s->icap;
		s->ifirst = start;
		s->icount = n;
		memset(s->ibad, 0, sizeof(s->ibad));
		if (ufs_readinodes(fs, start, n, s->ibuf) != 0)
			salvage(s, start, n);
	}
	if (s->ibad[ino - s->ifirst])
		return -1;
	*raw = s->ibuf + (size_t)(ino - s->ifirst) * (size_t)fs->dinsize;
	return 1;
}

static int
changedsince(const struct dinode *dp, int64_t t)
{
	return dp->mtime >= t || dp->ctime >= t;
}

/* dump's WANTTODUMP: changed since the date it starts from (0: all). */
static int
wanttodump(const struct scan *s, const struct dinode *dp)
{
	if (s->ddate != 0 && !changedsince(dp, s->ddate))
		return 0;
	return s->level < s->honor || !(dp->flags & UF_NODUMP);
}

/* TP_BSIZE records (headers included) that dumping dp will write. */
uint64_t
scan_estimate(const struct ufs *fs, const struct dinode *dp)
{
	uint64_t span, data, held;
	int type = dp->mode & UFS_IFMT;

	if (type != UFS_IFREG && type != UFS_IFDIR && type != UFS_IFLNK)
		return 1;
	if (ufs_isshortlink(fs, dp))
		return 2;
	span = (dp->size + TP_BSIZE - 1) / TP_BSIZE +
	    (dp->extsize + TP_BSIZE - 1) / TP_BSIZE;
	held = dp->blocks * DEV_BSIZE / TP_BSIZE;
	data = span < held ? span : held;
	return data + (span + TP_NINDIR - 1) / TP_NINDIR + (span == 0);
}

static void
readgroups(struct scan *s)
{
	const struct ufs *fs = &s->fs;
	unsigned char *cgbuf = malloc((size_t)fs->cgsize);
	struct cginfo ci;
	uint32_t cg;

	if (cgbuf == NULL)
		die(DS_STARTUP, "out of memory");
	for (cg = 0; cg < fs->ncg; cg++) {
		if (ufs_readcg(fs, cg, cgbuf, &ci) != 0) {
			warnmsg("%s: cylinder group %u: cannot read its header:",
			    fs->dev, cg);
			s->errors++;
			ci.initediblk = fs->ipg;
		} else if (!ci.ok) {
			warnmsg("%s: cylinder group %u: bad header (%s); "
			    "reading all its %u inodes", fs->dev, cg, ci.why,
			    fs->ipg);
			s->errors++;
		}
		s->inited[cg] = ci.initediblk;
	}
	free(cgbuf);
}

/* Pass I: which inodes are in use, which are directories, which to dump. */
int
scan_maps(struct scan *s)
{
	const struct ufs *fs = &s->fs;
	const unsigned char *raw;
	const char *why;
	struct dinode di;
	uint32_t ino;
	int r, isdir;

	s->used = bm_new(fs->maxino);
	s->dirs = bm_new(fs->maxino);
	s->dump = bm_new(fs->maxino);
	s->ilost = bm_new(fs->maxino);
	s->inited = calloc(fs->ncg, sizeof(*s->inited));
	s->icap = (uint32_t)(WINDOW / fs->dinsize);
	s->icap -= s->icap % (uint32_t)fs->inopb;
	if (s->icap == 0)
		s->icap = (uint32_t)fs->inopb;
	s->ibuf = malloc((size_t)s->icap * (size_t)fs->dinsize);
	s->indbuf = malloc((size_t)UFS_NIADDR * (size_t)fs->bsize);
	if (s->used == NULL || s->dirs == NULL || s->dump == NULL ||
	    s->ilost == NULL ||
	    s->inited == NULL || s->ibuf == NULL || s->indbuf == NULL)
		die(DS_STARTUP, "out of memory for %u inodes", fs->maxino);
	readgroups(s);
	for (ino = UFS_ROOTINO; ino < fs->maxino; ino++) {
		if ((r = scan_getraw(s, ino, &raw)) <= 0) {
			if (r == 0)	/* skip the rest of the group */
				ino = (ino / fs->ipg + 1) * fs->ipg - 1;
			continue;
		}
		if ((get16(raw, fs->be) & UFS_IFMT) == 0)
			continue;
		ufs_decode(fs, raw, ino, &di);
		if (ufs_checkino(fs, &di, &why) != 0) {
			warnmsg("%s: inode %u: %s (mode 0%o, size %llu); not "
			    "dumped", fs->dev, ino, why, di.mode,
			    (unsigned long long)di.size);
			s->errors++;
			continue;
		}
		bm_set(s->used, ino);
		isdir = (di.mode & UFS_IFMT) == UFS_IFDIR;
		if (isdir)
			bm_set(s->dirs, ino);
		if (wanttodump(s, &di) || ino == UFS_ROOTINO) {
			bm_set(s->dump, ino);
			s->ninodes++;
			s->estimate += scan_estimate(fs, &di);
		} else if (isdir) {
			/* Out of the used map marks a nodump directory
			 * for pass II, which passes it on to the tree. */
			if (s->level >= s->honor && (di.flags & UF_NODUMP))
				bm_clr(s->used, ino);
			s->dirskipped = 1;
		}
	}
	if (!bm_isset(s->dirs, UFS_ROOTINO)) {
		warnmsg("%s: the root inode %d is not a directory: nothing "
		    "restore could read", fs->dev, UFS_ROOTINO);
		return -1;
	}
	return 0;
}

/* The estimate for the dump map as it stands, from the inodes. */
void
scan_reestimate(struct scan *s)
{
	const unsigned char *raw;
	struct dinode di;
	uint64_t ino = 0;

	s->estimate = 0;
	while ((ino = bm_next(s->dump, ino + 1, s->fs.maxino)) < s->fs.maxino)
		if (scan_getraw(s, (uint32_t)ino, &raw) > 0) {
			ufs_decode(&s->fs, raw, (uint32_t)ino, &di);
			s->estimate += scan_estimate(&s->fs, &di);
		}
}

/* TS_TAPE, the two maps with their headers, and TS_END. */
uint64_t
scan_overhead(const struct scan *s)
{
	return 4 + 2 * (((uint64_t)s->fs.maxino + 8191) / 8192);
}

static void
putmap(FILE *out, enum linetype t, const unsigned char *m, uint32_t n)
{
	uint64_t a = 0, b;

	for (;;) {
		a = bm_next(m, a, n);
		if (a >= n)
			break;
		for (b = a; b + 1 < n && bm_isset(m, b + 1); b++)
			continue;
		stream_put_range(out, t, (uint32_t)a, (uint32_t)b);
		a = b + 1;
	}
}

struct runout {
	FILE		*out;
	enum linetype	 type;
	uint32_t	 ino;
};

static int
putrun(void *arg, const struct run *r)
{
	struct runout *ro = arg;

	stream_put_run(ro->out, ro->type, ro->ino, r);
	return 0;
}

static int
direntry(void *arg, const struct dent *d)
{
	(void)arg;
	(void)d;
	return 0;
}

struct nameout {
	FILE		*out;
	uint32_t	 ino;
};

static void
putname(void *arg, const char *path, size_t len)
{
	struct nameout *no = arg;

	stream_put_str(no->out, LN_NAME, no->ino, (const unsigned char *)path,
	    len);
}

struct omitout {
	FILE		*out;
	uint64_t	 size;
};

/* A directory that shrank since the tree check has no such entry. */
static void
putomit(void *arg, uint32_t dir, uint64_t off)
{
	struct omitout *oo = arg;

	if (off < oo->size)
		stream_put_omit(oo->out, dir, off);
}

static void
settime(struct line_time *t, int64_t sec, int32_t nsec)
{
	t->sec = sec;
	t->nsec = nsec;
}

/*
 * A file over -z bytes of which less than 1/1024 is allocated: most
 * likely a damaged size, and a dump of it would be its size over 512 in
 * headers, for ever.  Real sparse files that big are rare; -z 0 dumps
 * them anyway.
 */
static int
toosparse(const struct scan *s, const struct dinode *dp)
{
	return s->maxsparse > 0 && dp->size > s->maxsparse &&
	    dp->blocks * DEV_BSIZE < dp->size / 1024;
}

/* Passes III and IV: one inode, as it is now. Returns 1 if written. */
static int
emitino(struct scan *s, uint32_t ino, int wantdir)
{
	const struct ufs *fs = &s->fs;
	const unsigned char *raw;
	struct line_inode ri;
	struct nameout no;
	struct omitout oo;
	struct runout ro;
	struct dinode di;
	const char *why;
	int type, isdir;

	if (scan_getraw(s, ino, &raw) <= 0) {
		warnmsg("%s: inode %u: unreadable; not dumped", fs->dev, ino);
		s->errors++;
		return 0;
	}
	ufs_decode(fs, raw, ino, &di);
	type = di.mode & UFS_IFMT;
	isdir = type == UFS_IFDIR;
	if (type == 0) {
		warnmsg("%s: inode %u was freed during the dump; not dumped",
		    fs->dev, ino);
		return 0;
	}
	if (isdir != wantdir) {
		warnmsg("%s: inode %u changed type during the dump; not dumped",
		    fs->dev, ino);
		return 0;
	}
	if (ufs_checkino(fs, &di, &why) != 0) {
		warnmsg("%s: inode %u: %s (mode 0%o); not dumped", fs->dev,
		    ino, why, di.mode);
		s->errors++;
		return 0;
	}
	if (toosparse(s, &di)) {
		warnmsg("%s: inode %u: %llu bytes long but only %llu bytes "
		    "allocated: its holes alone would take %llu MB of dump; "
		    "taken for damage and not dumped (see -z)", fs->dev, ino,
		    (unsigned long long)di.size,
		    (unsigned long long)(di.blocks * DEV_BSIZE),
		    (unsigned long long)(di.size / (TP_NINDIR * TP_BSIZE) /
		    1024));
		s->errors++;
		return 0;
	}
	if (ufs_isshortlink(fs, &di) &&
	    memchr(di.shortlink, '\0', (size_t)di.size) != NULL) {
		warnmsg("%s: inode %u: symbolic link target holds a NUL byte; "
		    "not dumped", fs->dev, ino);
		s->errors++;
		return 0;
	}
	/* dump(8) writes a snapshot as an empty file. */
	if (di.flags & SF_SNAPSHOT) {
		di.size = 0;
		di.flags &= ~(uint32_t)SF_SNAPSHOT;
	}
	if (type != UFS_IFREG && type != UFS_IFDIR && type != UFS_IFLNK)
		di.size = 0;
	memset(&ri, 0, sizeof(ri));
	ri.ino = ino;
	ri.type = ufs_typechar(di.mode);
	ri.mode = di.mode;
	ri.nlink = di.nlink;
	ri.uid = di.uid;
	ri.gid = di.gid;
	ri.size = di.size;
	ri.blocks = di.blocks;
	settime(&ri.atime, di.atime, di.atimensec);
	settime(&ri.mtime, di.mtime, di.mtimensec);
	settime(&ri.ctime, di.ctime, di.ctimensec);
	settime(&ri.birthtime, di.birthtime, di.birthnsec);
	ri.flags = di.flags;
	ri.gen = di.gen;
	ri.rdev = (type == UFS_IFCHR || type == UFS_IFBLK) ? di.rdev : 0;
	ri.extsize = di.extsize;
	stream_put_inode(s->out, &ri);
	if (s->names != NULL) {
		no.out = s->out;
		no.ino = ino;
		names_each(s, s->names, ino, putname, &no);
	}
	if (isdir) {
		oo.out = s->out;
		oo.size = di.size;
		scan_omitted(s, ino, putomit, &oo);
	}

	/* Check every entry of a directory: restore skips mangled ones
	 * without a word, so damage must be reported here. */
	if (isdir && di.size > 0)
		dir_walk(fs, &di, s->indbuf, direntry, NULL, &s->errors);
	ro.out = s->out;
	ro.ino = ino;
	if (ufs_isshortlink(fs, &di)) {
		stream_put_str(s->out, LN_LINK, ino, di.shortlink,
		    (size_t)di.size);
	} else if (di.size > 0) {
		ro.type = LN_DATA;
		bmap_walk(fs, &di, 0, s->indbuf, putrun, &ro, &s->errors);
	}
	if (di.extsize > 0) {
		ro.type = LN_EXT;
		bmap_walk(fs, &di, 1, s->indbuf, putrun, &ro, &s->errors);
	}
	return 1;
}

/* Write the whole stream. Returns 0, or -1 on an output error. */
int
scan_emit(struct scan *s)
{
	const struct ufs *fs = &s->fs;
	struct line_header h;
	uint64_t ino, written = 0;
	int pass;

	memset(&h, 0, sizeof(h));
	strcopy(h.dev, sizeof(h.dev), fs->dev);
	h.ufs2 = fs->ufs2;
	h.be = fs->be;
	h.oldinofmt = fs->oldinofmt;
	h.sblock = fs->sblockloc;
	h.bsize = fs->bsize;
	h.fsize = fs->fsize;
	h.ncg = fs->ncg;
	h.ipg = fs->ipg;
	h.maxino = fs->maxino;
	h.fssize = fs->size;
	h.fsid[0] = fs->id[0];
	h.fsid[1] = fs->id[1];
	h.level = s->level;
	h.date = s->date;
	h.ddate = s->ddate;
	strcopy(h.label, sizeof(h.label), s->label);
	strcopy(h.fsname, sizeof(h.fsname), s->fsname);
	if (gethostname(h.host, sizeof(h.host) - 1) != 0)
		snprintf(h.host, sizeof(h.host), "unknown");
	h.inodes = s->ninodes;
	h.blocks = s->estimate + scan_overhead(s);
	stream_put_header(s->out, &h);
	putmap(s->out, LN_USED, s->used, fs->maxino);
	putmap(s->out, LN_DUMPED, s->dump, fs->maxino);
	for (pass = 1; pass >= 0; pass--) {
		if (pass == 0)
			dumpnote("dumping (Pass IV) [regular files]");
		ino = 0;
		while ((ino = bm_next(s->dump, ino + 1, fs->maxino)) <
		    fs->maxino) {
			if (bm_isset(s->dirs, ino) == pass)
				written += (uint64_t)emitino(s, (uint32_t)ino,
				    pass);
			if (ferror(s->out))
				return -1;
		}
	}
	stream_put_end(s->out, written, s->errors);
	if (fflush(s->out) != 0 || ferror(s->out))
		return -1;
	return 0;
}
