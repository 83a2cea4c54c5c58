/*
 * The commands of a ufsedit script.  Each checks everything it can
 * before it changes anything, then changes the image as the kernel's
 * system call would, stamping times with the clock.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esc.h"
#include "ufsedit.h"
#include "xio.h"

#define CHUNK	(1 << 20)

struct cmd {
	const char	*name;
	int		 nargs;
	const char	*args;
	int		(*fn)(struct ed *ed, char **av);
};

/* A path field: escapes undone, then looked up. */
static int
lookup(struct ed *ed, const char *field, struct nd *nd)
{
	size_t cap = strlen(field) + 1, len;
	unsigned char *buf = malloc(cap);
	int r;

	if (buf == NULL)
		return fail(ed, "out of memory");
	if (esc_decode(buf, cap, field, &len) != 0) {
		free(buf);
		return fail(ed, "%s: bad \\ooo escape", field);
	}
	r = namei(ed, buf, len, nd);
	free(buf);
	return r;
}

static int
isdots(const struct nd *nd)
{
	return (nd->len == 1 && nd->name[0] == '.') ||
	    (nd->len == 2 && nd->name[0] == '.' && nd->name[1] == '.');
}

/* The inode a path names, which must exist. */
static int
existing(struct ed *ed, const char *field, struct nd *nd, struct inode *ip)
{
	if (lookup(ed, field, nd) != 0)
		return -1;
	if (nd->ino == 0)
		return fail(ed, "no such file or directory");
	return ino_get(ed, nd->ino, ip);
}

static int
regular(struct ed *ed, const char *field, struct nd *nd, struct inode *ip)
{
	if (existing(ed, field, nd, ip) != 0)
		return -1;
	if ((ip->d.mode & UFS_IFMT) == UFS_IFDIR)
		return fail(ed, "is a directory");
	if ((ip->d.mode & UFS_IFMT) != UFS_IFREG)
		return fail(ed, "not a regular file");
	return 0;
}

/* Decimal, octal or hexadecimal digits only: no sign, no blanks. */
static int
number(struct ed *ed, const char *s, int base, uint64_t max, uint64_t *out,
    const char *what)
{
	const char *d = s;
	unsigned long long v;
	char *end;

	if (base == 0)
		base = d[0] == '0' && (d[1] == 'x' || d[1] == 'X') ? 16 : 10;
	if (base == 16 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
		d += 2;
	if (*d == '\0' || strspn(d, base == 16 ? "0123456789abcdefABCDEF" :
	    base == 8 ? "01234567" : "0123456789") != strlen(d))
		return fail(ed, "%s: \"%s\" is not %s number", what, s,
		    base == 16 ? "a hexadecimal" : base == 8 ? "an octal" :
		    "a decimal");
	errno = 0;
	v = strtoull(d, &end, base);
	if (errno != 0 || v > max)
		return fail(ed, base == 8 ? "%s: %s is more than 0%llo" :
		    base == 16 ? "%s: %s is more than 0x%llx" :
		    "%s: %s is more than %llu", what, s,
		    (unsigned long long)max);
	*out = v;
	return 0;
}

/* A time: [-]seconds[.fraction], the fraction up to nanoseconds. */
static int
timearg(struct ed *ed, const char *s, int64_t *sec, int32_t *nsec)
{
	const char *dot = strchr(s, '.'), *p = s;
	char whole[32];
	size_t n;
	int64_t lo, hi;
	long long v;
	int i;

	if (*p == '-')
		p++;
	n = dot != NULL ? (size_t)(dot - s) : strlen(s);
	if (n == 0 || n >= sizeof(whole) || (size_t)(p - s) >= n ||
	    strspn(p, "0123456789") != n - (size_t)(p - s) ||
	    (dot != NULL && (dot[1] == '\0' || strlen(dot + 1) > 9 ||
	    strspn(dot + 1, "0123456789") != strlen(dot + 1))))
		return fail(ed, "\"%s\" is not a time: seconds, optionally "
		    "with up to nine digits after a dot", s);
	memcpy(whole, s, n);
	whole[n] = '\0';
	lo = ed->fs.ufs2 ? INT64_MIN : INT32_MIN;
	hi = ed->fs.ufs2 ? INT64_MAX : INT32_MAX;
	errno = 0;
	v = strtoll(whole, NULL, 10);
	if (errno != 0 || v < lo || v > hi)
		return fail(ed, "time %s is out of range for UFS%d", s,
		    ed->fs.ufs2 ? 2 : 1);
	*sec = v;
	*nsec = 0;
	for (i = 0; i < 9; i++) {
		*nsec *= 10;
		if (dot != NULL && (size_t)i < strlen(dot + 1))
			*nsec += dot[1 + i] - '0';
	}
	return 0;
}

static int
hostopen(struct ed *ed, const char *field, int *fd)
{
	size_t cap = strlen(field) + 1, len;
	char *path = malloc(cap);

	if (path == NULL)
		return fail(ed, "out of memory");
	if (esc_decode((unsigned char *)path, cap, field, &len) != 0 ||
	    memchr(path, '\0', len) != NULL || len == 0) {
		free(path);
		return fail(ed, "%s: not a usable host path", field);
	}
	path[len] = '\0';
	*fd = open(path, O_RDONLY);
	if (*fd < 0)
		fail(ed, "%s: %s", path, strerror(errno));
	free(path);
	return *fd < 0 ? -1 : 0;
}

/* Copy the host file open on fd into ip from byte off on. */
static int
copyin(struct ed *ed, struct inode *ip, uint64_t off, int fd)
{
	unsigned char *buf = malloc(CHUNK);
	ssize_t n;
	int r = 0;

	if (buf == NULL)
		return fail(ed, "out of memory");
	while (r == 0 && (n = readfull(fd, buf, CHUNK)) != 0) {
		if (n < 0) {
			r = fail(ed, "reading the host file: %s",
			    strerror(errno));
			break;
		}
		r = f_write(ed, ip, off, buf, (size_t)n);
		off += (uint64_t)n;
	}
	free(buf);
	return r;
}

/* A fresh inode, its times all the clock, as ffs_valloc leaves it. */
static int
newinode(struct ed *ed, uint32_t ino, uint16_t mode, uint32_t gid,
    struct inode *ip)
{
	uint32_t gen;

	if (ino_get(ed, ino, ip) != 0)
		return -1;
	if (ip->d.mode != 0)
		return fail(ed, "%s: inode %u is free in the map but in use "
		    "(mode 0%o)", ed->fs.dev, ino, ip->d.mode);
	gen = ip->d.gen;
	memset(ip->raw, 0, sizeof(ip->raw));
	memset(&ip->d, 0, sizeof(ip->d));
	ip->d.ino = ino;
	ip->d.gen = gen == 0 || gen + 1 == 0 ? rnd32(ed) / 2 + 1 : gen + 1;
	ip->d.mode = mode;
	ip->d.nlink = (mode & UFS_IFMT) == UFS_IFDIR ? 2 : 1;
	ip->d.gid = gid;
	ino_touch(ed, ip, T_ACC | T_MOD | T_CHG);
	if (ed->fs.ufs2)
		ip->d.birthtime = ed->now;
	return 0;
}

/* Add nd's name for a new inode of this mode; *ino says which. */
static int
create(struct ed *ed, const struct nd *nd, uint16_t mode, uint64_t rdev,
    uint32_t *ino)
{
	struct inode p, ip;
	int isdir = (mode & UFS_IFMT) == UFS_IFDIR;

	if (nd->len == 0 || nd->ino != 0)
		return fail(ed, "file exists");
	if (ino_get(ed, nd->dir, &p) != 0)
		return -1;
	if (isdir && p.d.nlink >= UFS_LINK_MAX)
		return fail(ed, "too many links to the parent directory");
	if (ino_alloc(ed, isdir, nd->dir, ino) != 0 ||
	    newinode(ed, *ino, mode, p.d.gid, &ip) != 0)
		return -1;
	if (isdir && ed_dir_init(ed, &ip, nd->dir) != 0)
		return -1;
	if ((mode & UFS_IFMT) == UFS_IFCHR || (mode & UFS_IFMT) == UFS_IFBLK)
		ip.d.db[0] = (int64_t)rdev;
	if (ino_put(ed, &ip) != 0 ||
	    ed_dir_enter(ed, nd->dir, nd->name, nd->len, *ino, dtype(mode)) != 0)
		return -1;
	if (!isdir)
		return 0;
	if (ino_get(ed, nd->dir, &p) != 0)
		return -1;
	p.d.nlink++;
	return ino_put(ed, &p);
}

/* Release an inode that has lost its last name (ufs_inactive). */
static int
release(struct ed *ed, struct inode *ip)
{
	int isdir = (ip->d.mode & UFS_IFMT) == UFS_IFDIR;

	if (f_freeall(ed, ip) != 0)
		return -1;
	ip->d.mode = 0;
	ip->d.nlink = 0;
	ip->d.flags = 0;
	ino_touch(ed, ip, T_CHG);
	if (ino_put(ed, ip) != 0)
		return -1;
	return ino_free(ed, ip->ino, isdir);
}

/* Add delta to a link count; the inode goes when none are left. */
static int
addlink(struct ed *ed, uint32_t ino, int delta)
{
	struct inode ip;

	if (ino_get(ed, ino, &ip) != 0)
		return -1;
	if (ip.d.nlink + delta > UFS_LINK_MAX)
		return fail(ed, "inode %u: too many links", ino);
	ip.d.nlink = (int16_t)(ip.d.nlink + delta);
	ino_touch(ed, &ip, T_CHG);
	if (ip.d.nlink <= 0)
		return release(ed, &ip);
	return ino_put(ed, &ip);
}

static int
c_write(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	uint32_t ino;
	int fd, r;

	if (lookup(ed, av[1], &nd) != 0)
		return -1;
	if (nd.ino != 0 && regular(ed, av[1], &nd, &ip) != 0)
		return -1;
	if (hostopen(ed, av[2], &fd) != 0)
		return -1;
	r = 0;
	if ((ino = nd.ino) == 0)
		r = create(ed, &nd, UFS_IFREG | 0644, 0, &ino);
	if (r == 0)
		r = ino_get(ed, ino, &ip);
	if (r == 0)
		r = f_truncate(ed, &ip, 0);
	if (r == 0)
		r = copyin(ed, &ip, 0, fd);
	close(fd);
	if (r != 0)
		return -1;
	ino_touch(ed, &ip, T_MOD | T_CHG);
	return ino_put(ed, &ip);
}

static int
c_pwrite(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	uint64_t off;
	int fd, r;

	if (regular(ed, av[1], &nd, &ip) != 0 ||
	    number(ed, av[2], 10, maxfilesize(&ed->fs), &off, "offset") != 0 ||
	    hostopen(ed, av[3], &fd) != 0)
		return -1;
	r = copyin(ed, &ip, off, fd);
	close(fd);
	if (r != 0)
		return -1;
	ino_touch(ed, &ip, T_MOD | T_CHG);
	return ino_put(ed, &ip);
}

static int
c_truncate(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	uint64_t size;

	if (regular(ed, av[1], &nd, &ip) != 0 ||
	    number(ed, av[2], 10, maxfilesize(&ed->fs), &size, "size") != 0 ||
	    f_truncate(ed, &ip, size) != 0)
		return -1;
	ino_touch(ed, &ip, T_MOD | T_CHG);
	return ino_put(ed, &ip);
}

static int
c_punch(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	uint64_t off, len;

	if (regular(ed, av[1], &nd, &ip) != 0 ||
	    number(ed, av[2], 10, UINT64_MAX, &off, "offset") != 0 ||
	    number(ed, av[3], 10, UINT64_MAX, &len, "length") != 0 ||
	    f_punch(ed, &ip, off, len) != 0)
		return -1;
	ino_touch(ed, &ip, T_MOD | T_CHG);
	return ino_put(ed, &ip);
}

static int
c_mkdir(struct ed *ed, char **av)
{
	struct nd nd;
	uint32_t ino;

	if (lookup(ed, av[1], &nd) != 0)
		return -1;
	return create(ed, &nd, UFS_IFDIR | 0755, 0, &ino);
}

static int
c_rmdir(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	int empty;

	if (existing(ed, av[1], &nd, &ip) != 0)
		return -1;
	if (nd.len == 0)
		return fail(ed, "cannot remove the root directory");
	if (isdots(&nd))
		return fail(ed, "cannot remove . or ..");
	if ((ip.d.mode & UFS_IFMT) != UFS_IFDIR)
		return fail(ed, "not a directory");
	if (ed_dir_isempty(ed, &ip, &empty) != 0)
		return -1;
	if (!empty)
		return fail(ed, "directory not empty");
	if (ed_dir_remove(ed, nd.dir, nd.name, nd.len) != 0 ||
	    ino_get(ed, nd.ino, &ip) != 0 || release(ed, &ip) != 0)
		return -1;
	return addlink(ed, nd.dir, -1);
}

static int
c_rm(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;

	if (existing(ed, av[1], &nd, &ip) != 0)
		return -1;
	if ((ip.d.mode & UFS_IFMT) == UFS_IFDIR)
		return fail(ed, "is a directory");
	if (ed_dir_remove(ed, nd.dir, nd.name, nd.len) != 0)
		return -1;
	return addlink(ed, nd.ino, -1);
}

static int
c_link(struct ed *ed, char **av)
{
	struct nd from, to;
	struct inode ip;

	if (existing(ed, av[1], &from, &ip) != 0)
		return -1;
	if ((ip.d.mode & UFS_IFMT) == UFS_IFDIR)
		return fail(ed, "is a directory");
	if (ip.d.nlink >= UFS_LINK_MAX)
		return fail(ed, "too many links");
	if (lookup(ed, av[2], &to) != 0)
		return -1;
	if (to.len == 0 || to.ino != 0)
		return fail(ed, "%s: file exists", av[2]);
	if (ed_dir_enter(ed, to.dir, to.name, to.len, from.ino,
	    dtype(ip.d.mode)) != 0)
		return -1;
	return addlink(ed, from.ino, 1);
}

/*
 * Damage, for the tests of damaged trees: an entry NEWPATH naming what
 * TARGET names (a directory too, the root too), or with TARGET "#N"
 * inode N as it is, in use or not, in range or not.  No link count
 * changes, nothing is checked: fsck would object, as it should.
 */
static int
c_badlink(struct ed *ed, char **av)
{
	struct nd from, to;
	struct inode ip;
	uint64_t n;
	int type = 0;

	if (av[1][0] == '#') {
		if (number(ed, av[1] + 1, 10, UINT32_MAX, &n, "inode") != 0)
			return -1;
		from.ino = (uint32_t)n;
		if (n >= UFS_ROOTINO && n < ed->fs.maxino &&
		    ino_get(ed, from.ino, &ip) == 0 && ip.d.mode != 0)
			type = dtype(ip.d.mode);
		ed->err[0] = '\0';
	} else {
		if (existing(ed, av[1], &from, &ip) != 0)
			return -1;
		type = dtype(ip.d.mode);
	}
	if (lookup(ed, av[2], &to) != 0)
		return -1;
	if (to.len == 0 || to.ino != 0)
		return fail(ed, "%s: file exists", av[2]);
	return ed_dir_enter(ed, to.dir, to.name, to.len, from.ino, type);
}

/* Damage: take the entry PATH out, a directory's too, counts as they are. */
static int
c_badunlink(struct ed *ed, char **av)
{
	struct nd nd;

	if (lookup(ed, av[1], &nd) != 0)
		return -1;
	if (nd.ino == 0 || nd.len == 0)
		return fail(ed, "no such file or directory");
	return ed_dir_remove(ed, nd.dir, nd.name, nd.len);
}

/* Is directory d the directory anc or below it? */
static int
below(struct ed *ed, uint32_t d, uint32_t anc, int *yes)
{
	uint32_t steps;

	for (steps = 0; steps < ed->fs.maxino; steps++) {
		if (d == anc) {
			*yes = 1;
			return 0;
		}
		if (d == UFS_ROOTINO) {
			*yes = 0;
			return 0;
		}
		if (ed_dir_lookup(ed, d, (const unsigned char *)"..", 2, &d) != 0)
			return -1;
		if (d == 0)
			break;
	}
	return fail(ed, "%s: the \"..\" chain from directory inode %u does "
	    "not reach the root", ed->fs.dev, d);
}

/* rename(2)'s checks: may o take the place of n? */
static int
renamable(struct ed *ed, const struct nd *o, const struct nd *n, int sdir)
{
	struct inode t, np;
	int tdir = 0, empty = 0, inside = 0;

	if (n->ino != 0) {
		if (ino_get(ed, n->ino, &t) != 0)
			return -1;
		tdir = (t.d.mode & UFS_IFMT) == UFS_IFDIR;
		if (sdir && !tdir)
			return fail(ed, "not a directory");
		if (!sdir && tdir)
			return fail(ed, "is a directory");
		if (tdir && ed_dir_isempty(ed, &t, &empty) != 0)
			return -1;
		if (tdir && !empty)
			return fail(ed, "directory not empty");
	}
	if (!sdir || o->dir == n->dir)
		return 0;
	if (below(ed, n->dir, o->ino, &inside) != 0)
		return -1;
	if (inside)
		return fail(ed, "cannot move a directory below itself");
	if (ino_get(ed, n->dir, &np) != 0)
		return -1;
	if (!tdir && np.d.nlink >= UFS_LINK_MAX)
		return fail(ed, "too many links to the new parent");
	return 0;
}

static int
c_rename(struct ed *ed, char **av)
{
	struct nd o, n;
	struct inode s, t;
	int sdir, type;

	if (existing(ed, av[1], &o, &s) != 0)
		return -1;
	if (o.len == 0 || isdots(&o))
		return fail(ed, "cannot rename the root, . or ..");
	if (lookup(ed, av[2], &n) != 0)
		return -1;
	if (n.len == 0 || isdots(&n))
		return fail(ed, "%s: cannot replace the root, . or ..", av[2]);
	if (n.ino == o.ino)
		return 0;	/* two names of one file: rename(2) does nothing */
	sdir = (s.d.mode & UFS_IFMT) == UFS_IFDIR;
	type = dtype(s.d.mode);
	if (renamable(ed, &o, &n, sdir) != 0)
		return -1;
	if (n.ino != 0) {
		if (ed_dir_rewrite(ed, n.dir, n.name, n.len, o.ino, type) != 0)
			return -1;
	} else if (ed_dir_enter(ed, n.dir, n.name, n.len, o.ino, type) != 0) {
		return -1;
	}
	if (ed_dir_remove(ed, o.dir, o.name, o.len) != 0)
		return -1;
	if (n.ino != 0 && sdir) {	/* the empty directory it replaces */
		if (ino_get(ed, n.ino, &t) != 0 || release(ed, &t) != 0 ||
		    addlink(ed, n.dir, -1) != 0)
			return -1;
	} else if (n.ino != 0 && addlink(ed, n.ino, -1) != 0) {
		return -1;
	}
	if (sdir && o.dir != n.dir) {
		if (ed_dir_rewrite(ed, o.ino, (const unsigned char *)"..", 2,
		    n.dir, DT_DIR) != 0 || addlink(ed, o.dir, -1) != 0 ||
		    addlink(ed, n.dir, 1) != 0)
			return -1;
	}
	return addlink(ed, o.ino, 0);
}

static int
c_symlink(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	unsigned char target[MAXSYMLINK + 1];
	size_t len;
	uint32_t ino;

	if (esc_decode(target, sizeof(target), av[1], &len) != 0)
		return fail(ed, "target: bad \\ooo escape, or longer than %d "
		    "bytes", MAXSYMLINK);
	if (len > MAXSYMLINK)
		return fail(ed, "target: longer than %d bytes", MAXSYMLINK);
	if (len == 0 || memchr(target, '\0', len) != NULL)
		return fail(ed, "target: empty or holding a NUL byte");
	if (lookup(ed, av[2], &nd) != 0 ||
	    create(ed, &nd, UFS_IFLNK | 0755, 0, &ino) != 0 ||
	    ino_get(ed, ino, &ip) != 0)
		return -1;
	if (len < (size_t)ed->fs.maxsymlinklen) {
		memset(ip.d.shortlink, 0, sizeof(ip.d.shortlink));
		memcpy(ip.d.shortlink, target, len);
		ip.setshort = 1;
		ip.d.size = len;
	} else if (f_write(ed, &ip, 0, target, len) != 0) {
		return -1;
	}
	return ino_put(ed, &ip);
}

static int
c_mkfifo(struct ed *ed, char **av)
{
	struct nd nd;
	uint32_t ino;

	if (lookup(ed, av[1], &nd) != 0)
		return -1;
	return create(ed, &nd, UFS_IFIFO | 0644, 0, &ino);
}

static int
c_mknod(struct ed *ed, char **av)
{
	struct nd nd;
	uint64_t rdev = 0;
	uint32_t ino;
	uint16_t type;

	if (strcmp(av[2], "c") == 0)
		type = UFS_IFCHR;
	else if (strcmp(av[2], "b") == 0)
		type = UFS_IFBLK;
	else
		return fail(ed, "type %s is neither c nor b", av[2]);
	if (number(ed, av[3], 0, UINT32_MAX, &rdev, "device number") != 0 ||
	    lookup(ed, av[1], &nd) != 0)
		return -1;
	return create(ed, &nd, type | 0644, rdev, &ino);
}

static int
c_chmod(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	uint64_t mode = 0;

	if (number(ed, av[1], 8, 07777, &mode, "mode") != 0 ||
	    existing(ed, av[2], &nd, &ip) != 0)
		return -1;
	ip.d.mode = (uint16_t)((ip.d.mode & UFS_IFMT) | mode);
	ino_touch(ed, &ip, T_CHG);
	return ino_put(ed, &ip);
}

static int
c_chown(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	uint64_t uid, gid;

	if (number(ed, av[1], 10, UINT32_MAX, &uid, "uid") != 0 ||
	    number(ed, av[2], 10, UINT32_MAX, &gid, "gid") != 0 ||
	    existing(ed, av[3], &nd, &ip) != 0)
		return -1;
	ip.d.uid = (uint32_t)uid;
	ip.d.gid = (uint32_t)gid;
	ino_touch(ed, &ip, T_CHG);
	return ino_put(ed, &ip);
}

static int
c_utimes(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	int64_t as, ms;
	int32_t an, mn;

	if (timearg(ed, av[2], &as, &an) != 0 ||
	    timearg(ed, av[3], &ms, &mn) != 0 ||
	    existing(ed, av[1], &nd, &ip) != 0)
		return -1;
	ip.d.atime = as;
	ip.d.atimensec = an;
	ip.d.mtime = ms;
	ip.d.mtimensec = mn;
	ino_touch(ed, &ip, T_CHG);
	return ino_put(ed, &ip);
}

static int
c_chflags(struct ed *ed, char **av)
{
	struct nd nd;
	struct inode ip;
	uint64_t flags = 0;

	if (number(ed, av[1], 16, UINT32_MAX, &flags, "flags") != 0 ||
	    existing(ed, av[2], &nd, &ip) != 0)
		return -1;
	ip.d.flags = (uint32_t)flags;
	ino_touch(ed, &ip, T_CHG);
	return ino_put(ed, &ip);
}

static const struct cmd cmds[] = {
	{ "badlink",	2, "TARGET|#INODE NEWPATH",	c_badlink },
	{ "badunlink",	1, "PATH",			c_badunlink },
	{ "chflags",	2, "HEXFLAGS PATH",		c_chflags },
	{ "chmod",	2, "OCTALMODE PATH",		c_chmod },
	{ "chown",	3, "UID GID PATH",		c_chown },
	{ "link",	2, "EXISTING NEWPATH",		c_link },
	{ "mkdir",	1, "PATH",			c_mkdir },
	{ "mkfifo",	1, "PATH",			c_mkfifo },
	{ "mknod",	3, "PATH c|b RDEV",		c_mknod },
	{ "punch",	3, "PATH OFFSET LENGTH",	c_punch },
	{ "pwrite",	3, "PATH OFFSET HOSTFILE",	c_pwrite },
	{ "rename",	2, "OLD NEW",			c_rename },
	{ "rm",		1, "PATH",			c_rm },
	{ "rmdir",	1, "PATH",			c_rmdir },
	{ "symlink",	2, "TARGET PATH",		c_symlink },
	{ "truncate",	2, "PATH SIZE",			c_truncate },
	{ "utimes",	3, "PATH ATIME MTIME",		c_utimes },
	{ "write",	2, "PATH HOSTFILE",		c_write },
};

/* argv[0] is the command; the message, if any, is left in ed->err. */
int
run_command(struct ed *ed, char **argv, int argc)
{
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].name) != 0)
			continue;
		if (argc - 1 != cmds[i].nargs)
			return fail(ed, "usage: %s %s", cmds[i].name,
			    cmds[i].args);
		return cmds[i].fn(ed, argv);
	}
	return fail(ed, "unknown command");
}
