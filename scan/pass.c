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
rereadinodes(struct scan *s, uint32_t start, uint32_t n)
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
			rereadinodes(s, start, n);
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

/*
 * The maps, the window on the inode table and the buffers for indirect
 * and directory blocks: all the memory the passes need but the names'.
 */
static void
allocmaps(struct scan *s)
{
	const struct ufs *fs = &s->fs;

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
	s->dirbuf = malloc(DIR_READMAX);
	if (s->used == NULL || s->dirs == NULL || s->dump == NULL ||
	    s->ilost == NULL || s->inited == NULL || s->ibuf == NULL ||
	    s->indbuf == NULL || s->dirbuf == NULL)
		die(DS_STARTUP, "out of memory for %u inodes", fs->maxino);
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

	allocmaps(s);
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

/* Inode map m of n bits as the range lines of type t. */
static void
putranges(FILE *out, enum linetype t, const unsigned char *m, uint32_t n)
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

/* What the callbacks of one inode's lines write with. */
struct inodeout {
	FILE		*out;
	uint32_t	 ino;
	enum linetype	 type;		/* of its runs: LN_DATA or LN_EXT */
	uint64_t	 size;		/* of a directory */
};

static int
putrun(void *arg, const struct run *r)
{
	struct inodeout *io = arg;

	stream_put_run(io->out, io->type, io->ino, r);
	return 0;
}

static void
putname(void *arg, const char *path, size_t len)
{
	struct inodeout *io = arg;

	stream_put_str(io->out, LN_NAME, io->ino, (const unsigned char *)path,
	    len);
}

/* A directory that shrank since the tree check has no such entry. */
static void
putomit(void *arg, uint32_t dir, uint64_t off)
{
	struct inodeout *io = arg;

	if (off < io->size)
		stream_put_omit(io->out, dir, off);
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

/*
 * Whether inode ino, read again for passes III and IV, can still be
 * dumped: it must be in use, of the kind the pass wants (wantdir) and
 * sound.  Each refusal is said; those that are damage are counted.
 */
static int
dumpable(struct scan *s, uint32_t ino, const struct dinode *dp, int wantdir)
{
	const struct ufs *fs = &s->fs;
	int type = dp->mode & UFS_IFMT;
	const char *why;

	if (type == 0) {
		warnmsg("%s: inode %u was freed during the dump; not dumped",
		    fs->dev, ino);
		return 0;
	}
	if ((type == UFS_IFDIR) != wantdir) {
		warnmsg("%s: inode %u changed type during the dump; not dumped",
		    fs->dev, ino);
		return 0;
	}
	if (ufs_checkino(fs, dp, &why) != 0) {
		warnmsg("%s: inode %u: %s (mode 0%o); not dumped", fs->dev,
		    ino, why, dp->mode);
	} else if (toosparse(s, dp)) {
		warnmsg("%s: inode %u: %llu bytes long but only %llu bytes "
		    "allocated: its holes alone would take %llu MB of dump; "
		    "taken for damage and not dumped (see -z)", fs->dev, ino,
		    (unsigned long long)dp->size,
		    (unsigned long long)(dp->blocks * DEV_BSIZE),
		    (unsigned long long)(dp->size / (TP_NINDIR * TP_BSIZE) /
		    1024));
	} else if (ufs_isshortlink(fs, dp) &&
	    memchr(dp->shortlink, '\0', (size_t)dp->size) != NULL) {
		warnmsg("%s: inode %u: symbolic link target holds a NUL byte; "
		    "not dumped", fs->dev, ino);
	} else {
		return 1;
	}
	s->errors++;
	return 0;
}

/*
 * The inode line of dp, as dump(8) writes it; dp is left as written:
 * a snapshot, and a file that holds no data of its own, have size 0.
 */
static void
putinode(FILE *out, uint32_t ino, struct dinode *dp)
{
	int type = dp->mode & UFS_IFMT;
	struct line_inode ri;

	if (dp->flags & SF_SNAPSHOT) {
		dp->size = 0;
		dp->flags &= ~(uint32_t)SF_SNAPSHOT;
	}
	if (type != UFS_IFREG && type != UFS_IFDIR && type != UFS_IFLNK)
		dp->size = 0;
	memset(&ri, 0, sizeof(ri));
	ri.ino = ino;
	ri.type = ufs_typechar(dp->mode);
	ri.mode = dp->mode;
	ri.nlink = dp->nlink;
	ri.uid = dp->uid;
	ri.gid = dp->gid;
	ri.size = dp->size;
	ri.blocks = dp->blocks;
	settime(&ri.atime, dp->atime, dp->atimensec);
	settime(&ri.mtime, dp->mtime, dp->mtimensec);
	settime(&ri.ctime, dp->ctime, dp->ctimensec);
	settime(&ri.birthtime, dp->birthtime, dp->birthnsec);
	ri.flags = dp->flags;
	ri.gen = dp->gen;
	ri.rdev = (type == UFS_IFCHR || type == UFS_IFBLK) ? dp->rdev : 0;
	ri.extsize = dp->extsize;
	stream_put_inode(out, &ri);
}

/*
 * What follows an inode line: its paths (-p), the entries the tree
 * check left out of a directory, and where its data and its extended
 * attributes lie.
 */
static void
putcontents(struct scan *s, uint32_t ino, const struct dinode *dp)
{
	const struct ufs *fs = &s->fs;
	int isdir = (dp->mode & UFS_IFMT) == UFS_IFDIR;
	struct inodeout io;

	io.out = s->out;
	io.ino = ino;
	io.size = dp->size;
	if (s->names != NULL)
		names_each(s, s->names, ino, putname, &io);
	if (isdir)
		scan_omitted(s, ino, putomit, &io);
	/* Check every entry of a directory: restore skips mangled ones
	 * without a word, so damage must be reported here. */
	if (isdir && dp->size > 0)
		dir_walk(fs, dp, s->indbuf, s->dirbuf, NULL, NULL,
		    &s->errors);
	if (ufs_isshortlink(fs, dp)) {
		stream_put_str(s->out, LN_LINK, ino, dp->shortlink,
		    (size_t)dp->size);
	} else if (dp->size > 0) {
		io.type = LN_DATA;
		bmap_walk(fs, dp, 0, s->indbuf, putrun, &io, &s->errors);
	}
	if (dp->extsize > 0) {
		io.type = LN_EXT;
		bmap_walk(fs, dp, 1, s->indbuf, putrun, &io, &s->errors);
	}
}

/* Passes III and IV: one inode, as it is now. Returns 1 if written. */
static int
emitino(struct scan *s, uint32_t ino, int wantdir)
{
	const unsigned char *raw;
	struct dinode di;

	if (scan_getraw(s, ino, &raw) <= 0) {
		warnmsg("%s: inode %u: unreadable; not dumped", s->fs.dev, ino);
		s->errors++;
		return 0;
	}
	ufs_decode(&s->fs, raw, ino, &di);
	if (!dumpable(s, ino, &di, wantdir))
		return 0;
	putinode(s->out, ino, &di);
	putcontents(s, ino, &di);
	return 1;
}

/* The header line: the file system, and the dump that it starts. */
static void
putheader(struct scan *s)
{
	const struct ufs *fs = &s->fs;
	struct line_header h = {
		.ufs2 = fs->ufs2, .be = fs->be, .oldinofmt = fs->oldinofmt,
		.sblock = fs->sblockloc, .bsize = fs->bsize,
		.fsize = fs->fsize, .ncg = fs->ncg, .ipg = fs->ipg,
		.maxino = fs->maxino, .fssize = fs->size,
		.fsid = { fs->id[0], fs->id[1] },
		.level = s->level, .date = s->date, .ddate = s->ddate,
		.inodes = s->ninodes, .blocks = s->estimate + scan_overhead(s),
	};

	strcopy(h.dev, sizeof(h.dev), fs->dev);
	strcopy(h.label, sizeof(h.label), s->label);
	strcopy(h.fsname, sizeof(h.fsname), s->fsname);
	if (gethostname(h.host, sizeof(h.host) - 1) != 0)
		snprintf(h.host, sizeof(h.host), "unknown");
	stream_put_header(s->out, &h);
}

/* Write the whole stream. Returns 0, or -1 on an output error. */
int
scan_emit(struct scan *s)
{
	const struct ufs *fs = &s->fs;
	uint64_t ino, written = 0;
	int wantdirs;

	putheader(s);
	putranges(s->out, LN_USED, s->used, fs->maxino);
	putranges(s->out, LN_DUMPED, s->dump, fs->maxino);
	/* Pass III wants the directories, pass IV the other files. */
	for (wantdirs = 1; wantdirs >= 0; wantdirs--) {
		if (!wantdirs)
			dumpnote("dumping (Pass IV) [regular files]");
		ino = 0;
		while ((ino = bm_next(s->dump, ino + 1, fs->maxino)) <
		    fs->maxino) {
			if (bm_isset(s->dirs, ino) == wantdirs)
				written += (uint64_t)emitino(s, (uint32_t)ino,
				    wantdirs);
			if (ferror(s->out))
				return -1;
		}
	}
	stream_put_end(s->out, written, s->errors);
	if (fflush(s->out) != 0 || ferror(s->out))
		return -1;
	return 0;
}
