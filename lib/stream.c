#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esc.h"
#include "spcl.h"
#include "stream.h"
#include "ufs.h"

#define MAXFIELDS	24

enum { S_NONE, S_HEADER, S_USED, S_DUMPED, S_INODES, S_END };

void
stream_reader_init(struct streamreader *sr, FILE *fp, const char *name)
{
	memset(sr, 0, sizeof(*sr));
	sr->fp = fp;
	sr->name = name;
}

static int
fail(struct streamreader *sr, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(sr->err, sizeof(sr->err), "%s: line %" PRIu64 ": ",
	    sr->name, sr->lineno);
	if (n < 0 || (size_t)n >= sizeof(sr->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(sr->err + n, sizeof(sr->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
pu64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

static int
pu32(const char *s, uint32_t *v)
{
	uint64_t x;

	if (pu64(s, &x) != 0 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int
pi64(const char *s, int64_t *v)
{
	uint64_t x;
	int neg = *s == '-';

	if (pu64(s + neg, &x) != 0 || x > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

static int
phex32(const char *s, uint32_t *v)
{
	uint32_t x = 0;
	int d, n = 0;

	if (s[0] != '0' || s[1] != 'x')
		return -1;
	for (s += 2; *s != '\0'; s++, n++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			return -1;
		if (n >= 8)
			return -1;
		x = x << 4 | (uint32_t)d;
	}
	if (n == 0)
		return -1;
	*v = x;
	return 0;
}

/* "seconds.nanoseconds", nanoseconds in exactly nine digits. */
static int
ptime(const char *s, struct line_time *t)
{
	char sec[24];
	const char *dot = strchr(s, '.');
	uint64_t ns;
	size_t n;

	if (dot == NULL || (n = (size_t)(dot - s)) >= sizeof(sec) ||
	    strlen(dot + 1) != 9)
		return -1;
	memcpy(sec, s, n);
	sec[n] = '\0';
	if (pi64(sec, &t->sec) != 0 || pu64(dot + 1, &ns) != 0)
		return -1;
	t->nsec = (int32_t)ns;
	return 0;
}

static int
pstr(const char *s, char *dst, size_t max)
{
	size_t n;

	if (esc_decode((unsigned char *)dst, max, s, &n) != 0 ||
	    memchr(dst, '\0', n) != NULL)
		return -1;
	dst[n] = '\0';
	return 0;
}

static int
split(char *line, char **f)
{
	int n = 0;
	char *p = line;

	for (;;) {
		if (*p == ' ' || *p == '\0' || n == MAXFIELDS)
			return -1;
		f[n++] = p;
		while (*p != ' ' && *p != '\0')
			p++;
		if (*p == '\0')
			return n;
		*p++ = '\0';
	}
}

static int
ispow2(int64_t v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

/* How a header field's value is read (numbers: at least lim). */
enum hkind {
	HK_STR,		/* escaped, at most lim bytes */
	HK_U32,
	HK_U64,
	HK_I64,
	HK_POW2,	/* a power of two up to 65536, into an int32_t */
	HK_FN		/* its own parser */
};

struct hfield {
	const char	*key;
	enum hkind	 kind;
	size_t		 off;		/* of the value in struct line_header */
	int64_t		 lim;
	int		(*parse)(const char *v, struct line_header *h);
	int		 optional;
};

static int
hufs(const char *v, struct line_header *h)
{
	uint64_t u;

	if (pu64(v, &u) != 0 || (u != 1 && u != 2))
		return -1;
	h->ufs2 = u == 2;
	return 0;
}

/* v is one of two words: *isb says whether it is b. */
static int
pword(const char *v, const char *a, const char *b, int *isb)
{
	if (strcmp(v, a) != 0 && strcmp(v, b) != 0)
		return -1;
	*isb = strcmp(v, b) == 0;
	return 0;
}

static int
hbyteorder(const char *v, struct line_header *h)
{
	return pword(v, "le", "be", &h->be);
}

/* fs_id as two 8-digit hexadecimal words: "66afa0cb:58f171a9". */
static int
hfsid(const char *v, struct line_header *h)
{
	char a[11] = "0x", b[11] = "0x";

	if (strlen(v) != 17 || v[8] != ':')
		return -1;
	memcpy(a + 2, v, 8);
	a[10] = '\0';
	memcpy(b + 2, v + 9, 8);
	b[10] = '\0';
	return phex32(a, &h->fsid[0]) || phex32(b, &h->fsid[1]) ? -1 : 0;
}

static int
hlevel(const char *v, struct line_header *h)
{
	uint64_t u;

	if (pu64(v, &u) != 0 || u > 9)
		return -1;
	h->level = (int)u;
	return 0;
}

static int
hinodefmt(const char *v, struct line_header *h)
{
	return pword(v, "44", "42", &h->oldinofmt);
}

#define HOFF(f)	offsetof(struct line_header, f)

/* The header's fields, all required but the last. */
static const struct hfield hfields[] = {
	{ "dev", HK_STR, HOFF(dev), STREAM_PATHMAX, NULL, 0 },
	{ "ufs", HK_FN, 0, 0, hufs, 0 },
	{ "byteorder", HK_FN, 0, 0, hbyteorder, 0 },
	{ "sblock", HK_I64, HOFF(sblock), 0, NULL, 0 },
	{ "bsize", HK_POW2, HOFF(bsize), 4096, NULL, 0 },
	{ "fsize", HK_POW2, HOFF(fsize), 512, NULL, 0 },
	{ "ncg", HK_U32, HOFF(ncg), 1, NULL, 0 },
	{ "ipg", HK_U32, HOFF(ipg), 1, NULL, 0 },
	{ "maxino", HK_U32, HOFF(maxino), 0, NULL, 0 },
	{ "fssize", HK_I64, HOFF(fssize), 1, NULL, 0 },
	{ "fsid", HK_FN, 0, 0, hfsid, 0 },
	{ "level", HK_FN, 0, 0, hlevel, 0 },
	{ "date", HK_I64, HOFF(date), INT64_MIN, NULL, 0 },
	{ "ddate", HK_I64, HOFF(ddate), INT64_MIN, NULL, 0 },
	{ "label", HK_STR, HOFF(label), STREAM_LABELMAX, NULL, 0 },
	{ "fsname", HK_STR, HOFF(fsname), STREAM_NAMEMAX, NULL, 0 },
	{ "host", HK_STR, HOFF(host), STREAM_NAMEMAX, NULL, 0 },
	{ "inodes", HK_U64, HOFF(inodes), 0, NULL, 0 },
	{ "blocks", HK_U64, HOFF(blocks), 0, NULL, 0 },
	{ "inodefmt", HK_FN, 0, 0, hinodefmt, 1 },
};

#define NHFIELDS	(sizeof(hfields) / sizeof(hfields[0]))

/* Read the value v of field hf into h.  Returns 0, or -1 if it is bad. */
static int
hvalue(const struct hfield *hf, const char *v, struct line_header *h)
{
	unsigned char *dst = (unsigned char *)h + hf->off;
	uint64_t u;
	int64_t i;
	uint32_t w;
	int32_t n;

	switch (hf->kind) {
	case HK_STR:
		return pstr(v, (char *)dst, (size_t)hf->lim);
	case HK_U32:
		if (pu32(v, &w) != 0 || (int64_t)w < hf->lim)
			return -1;
		memcpy(dst, &w, sizeof(w));
		return 0;
	case HK_U64:
		if (pu64(v, &u) != 0)
			return -1;
		memcpy(dst, &u, sizeof(u));
		return 0;
	case HK_I64:
		if (pi64(v, &i) != 0 || i < hf->lim)
			return -1;
		memcpy(dst, &i, sizeof(i));
		return 0;
	case HK_POW2:
		if (pu64(v, &u) != 0 || !ispow2((int64_t)u) ||
		    u < (uint64_t)hf->lim || u > 65536)
			return -1;
		n = (int32_t)u;
		memcpy(dst, &n, sizeof(n));
		return 0;
	case HK_FN:
		return hf->parse(v, h);
	}
	return -1;
}

static int
parseheader(struct streamreader *sr, char **f, int nf, struct line_header *h)
{
	unsigned seen = 0;
	uint64_t u;
	size_t k;
	char *v;
	int i;

	memset(h, 0, sizeof(*h));
	if (nf < 2 || strcmp(f[0], "dscan") != 0)
		return fail(sr, "not a dscan stream (no \"dscan\" "
		    "header line)");
	if (pu64(f[1], &u) != 0 || u != STREAM_VERSION)
		return fail(sr, "dscan format version \"%s\" is not %d",
		    f[1], STREAM_VERSION);
	h->version = (int)u;
	for (i = 2; i < nf; i++) {
		v = strchr(f[i], '=');
		if (v == NULL)
			return fail(sr, "header field \"%s\" is not key=value",
			    f[i]);
		*v++ = '\0';
		for (k = 0; k < NHFIELDS; k++)
			if (strcmp(f[i], hfields[k].key) == 0)
				break;
		if (k == NHFIELDS)
			continue;	/* a later minor addition */
		seen |= 1u << k;
		if (hvalue(&hfields[k], v, h) != 0)
			return fail(sr, "header field %s has a bad value \"%s\"",
			    f[i], v);
	}
	for (k = 0; k < NHFIELDS; k++)
		if (!hfields[k].optional && !(seen & (1u << k)))
			return fail(sr, "header lacks the field %s",
			    hfields[k].key);
	if (h->fsize > h->bsize || h->bsize / h->fsize > 8)
		return fail(sr, "header: fsize %d does not divide bsize %d "
		    "into 1 to 8 fragments", h->fsize, h->bsize);
	if ((uint64_t)h->ncg * h->ipg != h->maxino)
		return fail(sr, "header: maxino %u is not ncg %u * ipg %u",
		    h->maxino, h->ncg, h->ipg);
	return 0;
}

uint16_t
stream_typebits(char type)
{
	switch (type) {
	case 'd': return UFS_IFDIR;
	case 'f': return UFS_IFREG;
	case 'l': return UFS_IFLNK;
	case 'c': return UFS_IFCHR;
	case 'b': return UFS_IFBLK;
	case 'p': return UFS_IFIFO;
	case 's': return UFS_IFSOCK;
	}
	return 0;
}

static int
parseinode(struct streamreader *sr, char **f, int nf, struct line_inode *ip)
{
	uint64_t u;
	int64_t v;

	memset(ip, 0, sizeof(*ip));
	if (nf != 17)
		return fail(sr, "inode line has %d fields, not 17", nf);
	if (pu32(f[1], &ip->ino) != 0 || ip->ino < 1 ||
	    ip->ino >= sr->maxino)
		return fail(sr, "inode number \"%s\" is not from 1 to %u",
		    f[1], sr->maxino - 1);
	if (strlen(f[2]) != 1 || stream_typebits(f[2][0]) == 0)
		return fail(sr, "inode %u: unknown type \"%s\"", ip->ino, f[2]);
	ip->type = f[2][0];
	if (strlen(f[3]) != 4 || f[3][strspn(f[3], "01234567")] != '\0')
		return fail(sr, "inode %u: permissions \"%s\" are not four "
		    "octal digits", ip->ino, f[3]);
	ip->mode = (uint16_t)(stream_typebits(ip->type) |
	    ((f[3][0] - '0') << 9 | (f[3][1] - '0') << 6 |
	    (f[3][2] - '0') << 3 | (f[3][3] - '0')));
	if (pi64(f[4], &v) != 0 || v < -32768 || v > 32767)
		return fail(sr, "inode %u: bad link count \"%s\"", ip->ino,
		    f[4]);
	ip->nlink = (int32_t)v;
	if (pu32(f[5], &ip->uid) || pu32(f[6], &ip->gid))
		return fail(sr, "inode %u: bad owner or group", ip->ino);
	if (pu64(f[7], &ip->size) || ip->size > (uint64_t)INT64_MAX ||
	    pu64(f[8], &ip->blocks))
		return fail(sr, "inode %u: bad size or block count", ip->ino);
	/* A hole that size would cost a dump header per 512 KB of it. */
	if (ip->size > sr->maxsize)
		return fail(sr, "inode %u: size %" PRIu64 " is beyond the %"
		    PRIu64 " bytes that an inode's block pointers address "
		    "at the header's bsize", ip->ino, ip->size, sr->maxsize);
	if (ptime(f[9], &ip->atime) || ptime(f[10], &ip->mtime) ||
	    ptime(f[11], &ip->ctime) || ptime(f[12], &ip->birthtime))
		return fail(sr, "inode %u: a time is not seconds.nanoseconds "
		    "with nine digits", ip->ino);
	if (phex32(f[13], &ip->flags))
		return fail(sr, "inode %u: flags \"%s\" are not 0x and hex "
		    "digits", ip->ino, f[13]);
	if (pu32(f[14], &ip->gen) || pu64(f[15], &ip->rdev) ||
	    pu64(f[16], &u) || u > 2 * 65536)
		return fail(sr, "inode %u: bad generation, device number or "
		    "extended-attribute size", ip->ino);
	ip->extsize = (uint32_t)u;
	return 0;
}

/* Has the inode before this point received everything it announced? */
static int
complete(struct streamreader *sr)
{
	const struct line_inode *c = &sr->cur;

	if (sr->state != S_INODES)
		return 0;
	if (!sr->havelink && sr->dataoff != c->size)
		return fail(sr, "inode %u: data runs cover %" PRIu64 " of its "
		    "%" PRIu64 " bytes", c->ino, sr->dataoff, c->size);
	if (sr->extoff != c->extsize)
		return fail(sr, "inode %u: extended-attribute runs cover %"
		    PRIu64 " of its %u bytes", c->ino, sr->extoff, c->extsize);
	return 0;
}

/* o INO OFFSET: an entry of the directory to leave out of the dump. */
static int
parseomit(struct streamreader *sr, char **f, int nf, struct line *ln)
{
	if (nf != 3 || pu32(f[1], &ln->u.omit.ino) != 0 ||
	    pu64(f[2], &ln->u.omit.off) != 0)
		return fail(sr, "malformed omit line");
	if (sr->state != S_INODES || ln->u.omit.ino != sr->cur.ino)
		return fail(sr, "omit line for inode %u outside its inode "
		    "line", ln->u.omit.ino);
	if (sr->cur.type != 'd' || sr->dataoff != 0)
		return fail(sr, "inode %u: omit line after its data or not "
		    "for a directory", sr->cur.ino);
	if (ln->u.omit.off % 4 != 0 || ln->u.omit.off >= sr->cur.size ||
	    ln->u.omit.off < sr->omitnext)
		return fail(sr, "inode %u: omit line for offset %" PRIu64
		    ": not a place for an entry, or not in ascending order",
		    sr->cur.ino, ln->u.omit.off);
	sr->omitnext = ln->u.omit.off + 4;
	return 0;
}

static int
parserun(struct streamreader *sr, char **f, int nf, struct line *ln)
{
	int ext = ln->type == LN_EXT;
	struct run *run = &ln->u.data.run;
	uint64_t frag, limit = ext ? sr->cur.extsize : sr->cur.size;
	uint64_t *at = ext ? &sr->extoff : &sr->dataoff;

	if (nf != 5)
		return fail(sr, "run line has %d fields, not 5", nf);
	if (pu32(f[1], &ln->u.data.ino) != 0)
		return fail(sr, "bad inode number \"%s\"", f[1]);
	if (sr->state != S_INODES || ln->u.data.ino != sr->cur.ino)
		return fail(sr, "run for inode %u outside its inode line",
		    ln->u.data.ino);
	if (!ext && (sr->havelink || sr->extoff != 0))
		return fail(sr, "inode %u: data run after its link target or "
		    "extended attributes", sr->cur.ino);
	if (pu64(f[2], &run->off) != 0 || pu64(f[4], &run->len) != 0 ||
	    run->len == 0)
		return fail(sr, "inode %u: bad run offset or length", sr->cur.ino);
	if (strcmp(f[3], "-") == 0)
		run->frag = 0;
	else if (pu64(f[3], &frag) != 0 || frag == 0 || frag > INT64_MAX)
		return fail(sr, "inode %u: bad fragment address \"%s\"",
		    sr->cur.ino, f[3]);
	else
		run->frag = (int64_t)frag;
	if (run->off != *at)
		return fail(sr, "inode %u: run at offset %" PRIu64 " where %"
		    PRIu64 " was due", sr->cur.ino, run->off, *at);
	if (run->len > limit - run->off)
		return fail(sr, "inode %u: run ends past the %s size %" PRIu64,
		    sr->cur.ino, ext ? "extended-attribute" : "file", limit);
	if ((run->off + run->len) % TP_BSIZE != 0 &&
	    run->off + run->len != limit)
		return fail(sr, "inode %u: run ends mid-record before the end",
		    sr->cur.ino);
	*at += run->len;
	return 0;
}

static int
parsestr(struct streamreader *sr, char **f, int nf, struct line *ln)
{
	if (nf != 3 || pu32(f[1], &ln->u.str.ino) != 0)
		return fail(sr, "malformed %s line",
		    ln->type == LN_LINK ? "link" : "name");
	if (sr->state != S_INODES || ln->u.str.ino != sr->cur.ino)
		return fail(sr, "%s line for inode %u outside its inode line",
		    ln->type == LN_LINK ? "link" : "name",
		    ln->u.str.ino);
	if (esc_decode(ln->u.str.bytes, sizeof(ln->u.str.bytes), f[2],
	    &ln->u.str.len) != 0)
		return fail(sr, "inode %u: badly escaped string", sr->cur.ino);
	if (ln->type == LN_NAME)
		return 0;
	if (sr->cur.type != 'l' || sr->havelink || sr->dataoff != 0 ||
	    sr->extoff != 0 ||
	    ln->u.str.len != sr->cur.size || ln->u.str.len > STREAM_LINKMAX ||
	    memchr(ln->u.str.bytes, '\0', ln->u.str.len) != NULL)
		return fail(sr, "inode %u: link target does not fit the inode "
		    "(type, size %" PRIu64 ", or a second target)", sr->cur.ino,
		    sr->cur.size);
	sr->havelink = 1;
	return 0;
}

static int
parserange(struct streamreader *sr, char **f, int nf, struct line *ln)
{
	int want = ln->type == LN_USED ? S_USED : S_DUMPED;
	uint32_t a, b;

	if (sr->state > want || sr->state < S_HEADER)
		return fail(sr, "inode map line out of place");
	if (sr->state < want)
		sr->lastrange = 0;
	sr->state = want;
	if (nf != 3 || pu32(f[1], &a) || pu32(f[2], &b) || a < 1 || b < a ||
	    b >= sr->maxino || (sr->lastrange != 0 && a <= sr->lastrange))
		return fail(sr, "bad or unordered inode range");
	sr->lastrange = b;
	ln->u.range.first = a;
	ln->u.range.last = b;
	return 0;
}

/*
 * Read the next line into sr->line and split it into f.  Returns the
 * number of fields, 0 at a proper end, -1 with sr->err set.
 */
static int
nextline(struct streamreader *sr, char **f)
{
	size_t len;
	int nf;

	if (fgets(sr->line, sizeof(sr->line), sr->fp) == NULL) {
		if (ferror(sr->fp))
			return fail(sr, "read error");
		sr->lineno++;
		if (sr->state == S_END)
			return 0;
		return fail(sr, "the dscan stream ends before its end line "
		    "(cut short?)");
	}
	sr->lineno++;
	/* fgets stops at a newline, at the end of the input or with the
	 * buffer full; a line that is none of these, seen through strlen,
	 * held a NUL byte (strlen stopped at it, fgets did not). */
	len = strlen(sr->line);
	if (len == 0 || sr->line[len - 1] != '\n') {
		if (feof(sr->fp))
			return fail(sr, "last line has no newline (cut "
			    "short?)");
		if (len < sizeof(sr->line) - 1)
			return fail(sr, "NUL byte in line");
		return fail(sr, "line longer than %d bytes", STREAM_LINEMAX);
	}
	sr->line[--len] = '\0';
	if (sr->state == S_END)
		return fail(sr, "data after the end line");
	nf = split(sr->line, f);
	if (nf < 0)
		return fail(sr, "malformed line (fields are separated by "
		    "single spaces)");
	return nf;
}

static int
parseend(struct streamreader *sr, char **f, int nf, struct line *ln)
{
	ln->type = LN_END;
	if (complete(sr) != 0)
		return -1;
	if (nf != 3 || pu64(f[1], &ln->u.end.inodes) ||
	    pu64(f[2], &ln->u.end.errors))
		return fail(sr, "malformed end line");
	if (ln->u.end.inodes != sr->inodes)
		return fail(sr, "end line counts %" PRIu64 " inodes but %"
		    PRIu64 " came", ln->u.end.inodes, sr->inodes);
	sr->state = S_END;
	return 0;
}

/* An inode line: directories first, each kind in ascending order. */
static int
parseinodeline(struct streamreader *sr, char **f, int nf, struct line *ln)
{
	const struct line_inode *ip = &ln->u.i;

	ln->type = LN_INODE;
	if (complete(sr) != 0 || parseinode(sr, f, nf, &ln->u.i) != 0)
		return -1;
	if (sr->state == S_INODES) {
		if (ip->type == 'd' && !sr->lastdir)
			return fail(sr, "directory inode %u after a "
			    "non-directory", ip->ino);
		if ((ip->type == 'd') == sr->lastdir && ip->ino <= sr->lastino)
			return fail(sr, "inode %u after inode %u: not in "
			    "ascending order", ip->ino, sr->lastino);
	}
	sr->state = S_INODES;
	sr->lastdir = ip->type == 'd';
	sr->lastino = ip->ino;
	sr->cur = *ip;
	sr->dataoff = sr->extoff = 0;
	sr->havelink = 0;
	sr->omitnext = 0;
	sr->inodes++;
	return 0;
}

/* The lines after the header, by their first field. */
static int
parsebody(struct streamreader *sr, char **f, int nf, struct line *ln)
{
	if (strcmp(f[0], "end") == 0)
		return parseend(sr, f, nf, ln);
	if (f[0][1] != '\0')
		return fail(sr, "unknown line type \"%s\"", f[0]);
	switch (f[0][0]) {
	case 'u':
	case 'b':
		ln->type = f[0][0] == 'u' ? LN_USED : LN_DUMPED;
		return parserange(sr, f, nf, ln);
	case 'i':
		return parseinodeline(sr, f, nf, ln);
	case 'd':
	case 'x':
		ln->type = f[0][0] == 'd' ? LN_DATA : LN_EXT;
		return parserun(sr, f, nf, ln);
	case 'l':
	case 'n':
		ln->type = f[0][0] == 'l' ? LN_LINK : LN_NAME;
		return parsestr(sr, f, nf, ln);
	case 'o':
		ln->type = LN_OMIT;
		return parseomit(sr, f, nf, ln);
	}
	return fail(sr, "unknown line type \"%s\"", f[0]);
}

/* Read one line.  Returns 1, 0 at a proper end, -1 with sr->err set. */
int
stream_read(struct streamreader *sr, struct line *ln)
{
	char *f[MAXFIELDS];
	int nf;

	if ((nf = nextline(sr, f)) <= 0)
		return nf;
	if (sr->state != S_NONE)
		return parsebody(sr, f, nf, ln) == 0 ? 1 : -1;
	ln->type = LN_HEADER;
	if (parseheader(sr, f, nf, &ln->u.h) != 0)
		return -1;
	sr->maxino = ln->u.h.maxino;
	sr->maxsize = ufs_addressable(ln->u.h.bsize, ln->u.h.ufs2);
	sr->state = S_HEADER;
	return 1;
}

static void
putesc(FILE *fp, const char *key, const unsigned char *s, size_t n)
{
	char buf[ESC_MAX(STREAM_PATHMAX)];

	if (n > STREAM_PATHMAX)
		n = STREAM_PATHMAX;
	esc_encode(buf, s, n);
	if (key != NULL)
		fprintf(fp, " %s=%s", key, buf);
	else
		fprintf(fp, " %s", buf);
}

void
stream_put_header(FILE *fp, const struct line_header *h)
{
	fprintf(fp, "dscan %d", STREAM_VERSION);
	putesc(fp, "dev", (const unsigned char *)h->dev, strlen(h->dev));
	fprintf(fp, " ufs=%d byteorder=%s sblock=%" PRId64 " bsize=%d "
	    "fsize=%d ncg=%u ipg=%u maxino=%u fssize=%" PRId64
	    " fsid=%08x:%08x level=%d date=%" PRId64 " ddate=%" PRId64,
	    h->ufs2 ? 2 : 1, h->be ? "be" : "le", h->sblock, h->bsize,
	    h->fsize, h->ncg, h->ipg, h->maxino, h->fssize, h->fsid[0],
	    h->fsid[1], h->level, h->date, h->ddate);
	putesc(fp, "label", (const unsigned char *)h->label, strlen(h->label));
	putesc(fp, "fsname", (const unsigned char *)h->fsname,
	    strlen(h->fsname));
	putesc(fp, "host", (const unsigned char *)h->host, strlen(h->host));
	fprintf(fp, " inodes=%" PRIu64 " blocks=%" PRIu64, h->inodes,
	    h->blocks);
	if (h->oldinofmt)
		fprintf(fp, " inodefmt=42");
	fputc('\n', fp);
}

/*
 * The lines dscan writes by the hundred thousand (inodes and runs) are
 * built by hand into a buffer and written whole: fprintf's parsing of
 * its format was most of dscan's time on a file system of small files.
 * Each puts what the printf conversion named beside it would.
 */

/* v in base 8, 10 or 16, in at least width digits: %0*o, %0*u, %x */
static char *
putdigits(char *p, uint64_t v, unsigned base, int width)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = "0123456789abcdef"[v % base];
	while ((v /= base) != 0);
	while (n < width)
		tmp[n++] = '0';
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* %u, %llu */
static char *
putdec(char *p, uint64_t v)
{
	return putdigits(p, v, 10, 1);
}

/* %d, %lld */
static char *
putsigned(char *p, int64_t v)
{
	if (v >= 0)
		return putdec(p, (uint64_t)v);
	*p++ = '-';
	return putdec(p, -(uint64_t)v);
}

void
stream_put_range(FILE *fp, enum linetype t, uint32_t first, uint32_t last)
{
	fprintf(fp, "%c %u %u\n", t == LN_USED ? 'u' : 'b', first, last);
}

/* " %lld.%09d" */
static char *
puttime(char *p, const struct line_time *t)
{
	int32_t ns = t->nsec >= 0 && t->nsec < 1000000000 ? t->nsec : 0;

	*p++ = ' ';
	p = putsigned(p, t->sec);
	*p++ = '.';
	return putdigits(p, (uint64_t)ns, 10, 9);
}

/* "i %u %c %04o %d %u %u %llu %llu", four times, " 0x%x %u %llu %u\n" */
void
stream_put_inode(FILE *fp, const struct line_inode *ip)
{
	char line[512], *p = line;

	*p++ = 'i';
	*p++ = ' ';
	p = putdec(p, ip->ino);
	*p++ = ' ';
	*p++ = (char)ip->type;
	*p++ = ' ';
	p = putdigits(p, (uint64_t)(ip->mode & 07777), 8, 4);
	*p++ = ' ';
	p = putsigned(p, ip->nlink);
	*p++ = ' ';
	p = putdec(p, ip->uid);
	*p++ = ' ';
	p = putdec(p, ip->gid);
	*p++ = ' ';
	p = putdec(p, ip->size);
	*p++ = ' ';
	p = putdec(p, ip->blocks);
	p = puttime(p, &ip->atime);
	p = puttime(p, &ip->mtime);
	p = puttime(p, &ip->ctime);
	p = puttime(p, &ip->birthtime);
	*p++ = ' ';
	*p++ = '0';
	*p++ = 'x';
	p = putdigits(p, ip->flags, 16, 1);
	*p++ = ' ';
	p = putdec(p, ip->gen);
	*p++ = ' ';
	p = putdec(p, ip->rdev);
	*p++ = ' ';
	p = putdec(p, ip->extsize);
	*p++ = '\n';
	fwrite(line, 1, (size_t)(p - line), fp);
}

/* "%c %u %llu - %llu\n", or with the fragment "%c %u %llu %lld %llu\n" */
void
stream_put_run(FILE *fp, enum linetype t, uint32_t ino, const struct run *r)
{
	char line[96], *p = line;

	*p++ = t == LN_EXT ? 'x' : 'd';
	*p++ = ' ';
	p = putdec(p, ino);
	*p++ = ' ';
	p = putdec(p, r->off);
	*p++ = ' ';
	if (r->frag == 0)
		*p++ = '-';
	else
		p = putsigned(p, r->frag);
	*p++ = ' ';
	p = putdec(p, r->len);
	*p++ = '\n';
	fwrite(line, 1, (size_t)(p - line), fp);
}

void
stream_put_str(FILE *fp, enum linetype t, uint32_t ino, const unsigned char *s,
    size_t n)
{
	fprintf(fp, "%c %u", t == LN_LINK ? 'l' : 'n', ino);
	putesc(fp, NULL, s, n);
	fputc('\n', fp);
}

void
stream_put_omit(FILE *fp, uint32_t ino, uint64_t off)
{
	fprintf(fp, "o %u %" PRIu64 "\n", ino, off);
}

void
stream_put_end(FILE *fp, uint64_t inodes, uint64_t errors)
{
	fprintf(fp, "end %" PRIu64 " %" PRIu64 "\n", inodes, errors);
}
