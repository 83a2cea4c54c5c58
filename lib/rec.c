#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esc.h"
#include "rec.h"
#include "ufs.h"

#define TP_BSIZE	1024
#define MAXFIELDS	24

enum { S_NONE, S_HEADER, S_USED, S_DUMPED, S_INODES, S_END };

void
rec_reader_init(struct recreader *rr, FILE *fp, const char *name)
{
	memset(rr, 0, sizeof(*rr));
	rr->fp = fp;
	rr->name = name;
}

static int
fail(struct recreader *rr, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(rr->err, sizeof(rr->err), "%s: line %" PRIu64 ": ",
	    rr->name, rr->lineno);
	if (n < 0 || (size_t)n >= sizeof(rr->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(rr->err + n, sizeof(rr->err) - (size_t)n, fmt, ap);
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
ptime(const char *s, struct rec_time *t)
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

static int
parseheader(struct recreader *rr, char **f, int nf, struct rec_header *h)
{
	static const char *const need[] = { "dev", "ufs", "byteorder",
	    "sblock", "bsize", "fsize", "ncg", "ipg", "maxino", "fssize",
	    "fsid", "level", "date", "ddate", "label", "fsname", "host",
	    "inodes", "blocks" };
	unsigned seen = 0;
	uint64_t u;
	size_t k;
	int i, bad;
	char *v;

	memset(h, 0, sizeof(*h));
	if (nf < 2 || strcmp(f[0], "dscan") != 0)
		return fail(rr, "not a dscan record stream (no \"dscan\" "
		    "header line)");
	if (pu64(f[1], &u) != 0 || u != REC_VERSION)
		return fail(rr, "dscan format version \"%s\" is not %d",
		    f[1], REC_VERSION);
	h->version = (int)u;
	for (i = 2; i < nf; i++) {
		v = strchr(f[i], '=');
		if (v == NULL)
			return fail(rr, "header field \"%s\" is not key=value",
			    f[i]);
		*v++ = '\0';
		for (k = 0; k < sizeof(need) / sizeof(need[0]); k++)
			if (strcmp(f[i], need[k]) == 0)
				break;
		if (k == sizeof(need) / sizeof(need[0])) {
			/* optional, or a later minor addition */
			if (strcmp(f[i], "inodefmt") == 0) {
				if (strcmp(v, "42") != 0 && strcmp(v, "44") != 0)
					return fail(rr, "header field inodefmt "
					    "has a bad value \"%s\"", v);
				h->oldinofmt = strcmp(v, "42") == 0;
			}
			continue;
		}
		seen |= 1u << k;
		bad = 0;
		switch (k) {
		case 0: bad = pstr(v, h->dev, REC_PATHMAX); break;
		case 1: bad = pu64(v, &u) || (u != 1 && u != 2);
			h->ufs2 = u == 2; break;
		case 2: bad = strcmp(v, "le") != 0 && strcmp(v, "be") != 0;
			h->be = strcmp(v, "be") == 0; break;
		case 3: bad = pi64(v, &h->sblock) || h->sblock < 0; break;
		case 4: bad = pu64(v, &u) || !ispow2((int64_t)u) ||
			u < 4096 || u > 65536; h->bsize = (int32_t)u; break;
		case 5: bad = pu64(v, &u) || !ispow2((int64_t)u) ||
			u < 512 || u > 65536; h->fsize = (int32_t)u; break;
		case 6: bad = pu32(v, &h->ncg) || h->ncg == 0; break;
		case 7: bad = pu32(v, &h->ipg) || h->ipg == 0; break;
		case 8: bad = pu32(v, &h->maxino); break;
		case 9: bad = pi64(v, &h->fssize) || h->fssize <= 0; break;
		case 10: bad = strlen(v) != 17 || v[8] != ':';
			if (!bad) {
				char a[11] = "0x", b[11] = "0x";
				memcpy(a + 2, v, 8);
				a[10] = '\0';
				memcpy(b + 2, v + 9, 8);
				b[10] = '\0';
				bad = phex32(a, &h->fsid[0]) ||
				    phex32(b, &h->fsid[1]);
			}
			break;
		case 11: bad = pu64(v, &u) || u > 9; h->level = (int)u; break;
		case 12: bad = pi64(v, &h->date); break;
		case 13: bad = pi64(v, &h->ddate); break;
		case 14: bad = pstr(v, h->label, REC_LABELMAX); break;
		case 15: bad = pstr(v, h->fsname, REC_NAMEMAX); break;
		case 16: bad = pstr(v, h->host, REC_NAMEMAX); break;
		case 17: bad = pu64(v, &h->inodes); break;
		case 18: bad = pu64(v, &h->blocks); break;
		}
		if (bad)
			return fail(rr, "header field %s has a bad value \"%s\"",
			    f[i], v);
	}
	for (k = 0; k < sizeof(need) / sizeof(need[0]); k++)
		if (!(seen & (1u << k)))
			return fail(rr, "header lacks the field %s", need[k]);
	if (h->fsize > h->bsize || h->bsize / h->fsize > 8)
		return fail(rr, "header: fsize %d does not divide bsize %d "
		    "into 1 to 8 fragments", h->fsize, h->bsize);
	if ((uint64_t)h->ncg * h->ipg != h->maxino)
		return fail(rr, "header: maxino %u is not ncg %u * ipg %u",
		    h->maxino, h->ncg, h->ipg);
	return 0;
}

uint16_t
rec_typebits(char type)
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
parseinode(struct recreader *rr, char **f, int nf, struct rec_inode *ip)
{
	uint64_t u;
	int64_t v;

	memset(ip, 0, sizeof(*ip));
	if (nf != 17)
		return fail(rr, "inode record has %d fields, not 17", nf);
	if (pu32(f[1], &ip->ino) != 0 || ip->ino < 1 ||
	    ip->ino >= rr->maxino)
		return fail(rr, "inode number \"%s\" is not from 1 to %u",
		    f[1], rr->maxino - 1);
	if (strlen(f[2]) != 1 || rec_typebits(f[2][0]) == 0)
		return fail(rr, "inode %u: unknown type \"%s\"", ip->ino, f[2]);
	ip->type = f[2][0];
	if (strlen(f[3]) != 4 || f[3][strspn(f[3], "01234567")] != '\0')
		return fail(rr, "inode %u: permissions \"%s\" are not four "
		    "octal digits", ip->ino, f[3]);
	ip->mode = (uint16_t)(rec_typebits(ip->type) |
	    ((f[3][0] - '0') << 9 | (f[3][1] - '0') << 6 |
	    (f[3][2] - '0') << 3 | (f[3][3] - '0')));
	if (pi64(f[4], &v) != 0 || v < -32768 || v > 32767)
		return fail(rr, "inode %u: bad link count \"%s\"", ip->ino,
		    f[4]);
	ip->nlink = (int32_t)v;
	if (pu32(f[5], &ip->uid) || pu32(f[6], &ip->gid))
		return fail(rr, "inode %u: bad owner or group", ip->ino);
	if (pu64(f[7], &ip->size) || ip->size > (uint64_t)INT64_MAX ||
	    pu64(f[8], &ip->blocks))
		return fail(rr, "inode %u: bad size or block count", ip->ino);
	/* A hole that size would cost a dump header per 512 KB of it. */
	if (ip->size > rr->maxsize)
		return fail(rr, "inode %u: size %" PRIu64 " is beyond the %"
		    PRIu64 " bytes that an inode's block pointers address "
		    "at the header's bsize", ip->ino, ip->size, rr->maxsize);
	if (ptime(f[9], &ip->atime) || ptime(f[10], &ip->mtime) ||
	    ptime(f[11], &ip->ctime) || ptime(f[12], &ip->birthtime))
		return fail(rr, "inode %u: a time is not seconds.nanoseconds "
		    "with nine digits", ip->ino);
	if (phex32(f[13], &ip->flags))
		return fail(rr, "inode %u: flags \"%s\" are not 0x and hex "
		    "digits", ip->ino, f[13]);
	if (pu32(f[14], &ip->gen) || pu64(f[15], &ip->rdev) ||
	    pu64(f[16], &u) || u > 2 * 65536)
		return fail(rr, "inode %u: bad generation, device number or "
		    "extended-attribute size", ip->ino);
	ip->extsize = (uint32_t)u;
	return 0;
}

/* Has the inode before this point received everything it announced? */
static int
complete(struct recreader *rr)
{
	const struct rec_inode *c = &rr->cur;

	if (rr->state != S_INODES)
		return 0;
	if (!rr->havelink && rr->dataoff != c->size)
		return fail(rr, "inode %u: data runs cover %" PRIu64 " of its "
		    "%" PRIu64 " bytes", c->ino, rr->dataoff, c->size);
	if (rr->extoff != c->extsize)
		return fail(rr, "inode %u: extended-attribute runs cover %"
		    PRIu64 " of its %u bytes", c->ino, rr->extoff, c->extsize);
	return 0;
}

/* o INO OFFSET: an entry of the directory to leave out of the dump. */
static int
parseomit(struct recreader *rr, char **f, int nf, struct rec *r)
{
	if (nf != 3 || pu32(f[1], &r->u.omit.ino) != 0 ||
	    pu64(f[2], &r->u.omit.off) != 0)
		return fail(rr, "malformed omit record");
	if (rr->state != S_INODES || r->u.omit.ino != rr->cur.ino)
		return fail(rr, "omit record for inode %u outside its inode "
		    "record", r->u.omit.ino);
	if (rr->cur.type != 'd' || rr->dataoff != 0)
		return fail(rr, "inode %u: omit record after its data or not "
		    "for a directory", rr->cur.ino);
	if (r->u.omit.off % 4 != 0 || r->u.omit.off >= rr->cur.size ||
	    r->u.omit.off < rr->omitnext)
		return fail(rr, "inode %u: omit record for offset %" PRIu64
		    ": not a place for an entry, or not in ascending order",
		    rr->cur.ino, r->u.omit.off);
	rr->omitnext = r->u.omit.off + 4;
	return 0;
}

static int
parserun(struct recreader *rr, char **f, int nf, struct rec *r)
{
	int ext = r->type == R_EXT;
	struct run *run = &r->u.run.run;
	uint64_t frag, limit = ext ? rr->cur.extsize : rr->cur.size;
	uint64_t *at = ext ? &rr->extoff : &rr->dataoff;

	if (nf != 5)
		return fail(rr, "run record has %d fields, not 5", nf);
	if (pu32(f[1], &r->u.run.ino) != 0)
		return fail(rr, "bad inode number \"%s\"", f[1]);
	if (rr->state != S_INODES || r->u.run.ino != rr->cur.ino)
		return fail(rr, "run for inode %u outside its inode record",
		    r->u.run.ino);
	if (!ext && (rr->havelink || rr->extoff != 0))
		return fail(rr, "inode %u: data run after its link target or "
		    "extended attributes", rr->cur.ino);
	if (pu64(f[2], &run->off) != 0 || pu64(f[4], &run->len) != 0 ||
	    run->len == 0)
		return fail(rr, "inode %u: bad run offset or length", rr->cur.ino);
	if (strcmp(f[3], "-") == 0)
		run->frag = 0;
	else if (pu64(f[3], &frag) != 0 || frag == 0 || frag > INT64_MAX)
		return fail(rr, "inode %u: bad fragment address \"%s\"",
		    rr->cur.ino, f[3]);
	else
		run->frag = (int64_t)frag;
	if (run->off != *at)
		return fail(rr, "inode %u: run at offset %" PRIu64 " where %"
		    PRIu64 " was due", rr->cur.ino, run->off, *at);
	if (run->len > limit - run->off)
		return fail(rr, "inode %u: run ends past the %s size %" PRIu64,
		    rr->cur.ino, ext ? "extended-attribute" : "file", limit);
	if ((run->off + run->len) % TP_BSIZE != 0 &&
	    run->off + run->len != limit)
		return fail(rr, "inode %u: run ends mid-record before the end",
		    rr->cur.ino);
	*at += run->len;
	return 0;
}

static int
parsestr(struct recreader *rr, char **f, int nf, struct rec *r)
{
	if (nf != 3 || pu32(f[1], &r->u.str.ino) != 0)
		return fail(rr, "malformed %s record",
		    r->type == R_LINK ? "link" : "name");
	if (rr->state != S_INODES || r->u.str.ino != rr->cur.ino)
		return fail(rr, "record for inode %u outside its inode record",
		    r->u.str.ino);
	if (esc_decode(r->u.str.bytes, sizeof(r->u.str.bytes), f[2],
	    &r->u.str.len) != 0)
		return fail(rr, "inode %u: badly escaped string", rr->cur.ino);
	if (r->type == R_NAME)
		return 0;
	if (rr->cur.type != 'l' || rr->havelink || rr->dataoff != 0 ||
	    rr->extoff != 0 ||
	    r->u.str.len != rr->cur.size || r->u.str.len > REC_LINKMAX ||
	    memchr(r->u.str.bytes, '\0', r->u.str.len) != NULL)
		return fail(rr, "inode %u: link target does not fit the inode "
		    "(type, size %" PRIu64 ", or a second target)", rr->cur.ino,
		    rr->cur.size);
	rr->havelink = 1;
	return 0;
}

static int
parserange(struct recreader *rr, char **f, int nf, struct rec *r)
{
	int want = r->type == R_USED ? S_USED : S_DUMPED;
	uint32_t a, b;

	if (rr->state > want || rr->state < S_HEADER)
		return fail(rr, "inode map line out of place");
	if (rr->state < want)
		rr->lastrange = 0;
	rr->state = want;
	if (nf != 3 || pu32(f[1], &a) || pu32(f[2], &b) || a < 1 || b < a ||
	    b >= rr->maxino || (rr->lastrange != 0 && a <= rr->lastrange))
		return fail(rr, "bad or unordered inode range");
	rr->lastrange = b;
	r->u.range.first = a;
	r->u.range.last = b;
	return 0;
}

/* Read one record.  Returns 1, 0 at a proper end, -1 with rr->err set. */
int
rec_read(struct recreader *rr, struct rec *r)
{
	char *f[MAXFIELDS];
	size_t len;
	int nf;

	if (fgets(rr->line, sizeof(rr->line), rr->fp) == NULL) {
		if (ferror(rr->fp))
			return fail(rr, "read error");
		rr->lineno++;
		if (rr->state == S_END)
			return 0;
		return fail(rr, "the record stream ends before its end record "
		    "(cut short?)");
	}
	rr->lineno++;
	len = strlen(rr->line);
	if (len == 0 || rr->line[len - 1] != '\n')
		return fail(rr, feof(rr->fp) ? "last line has no newline "
		    "(cut short?)" : "line longer than %d bytes", REC_LINEMAX);
	rr->line[--len] = '\0';
	if (memchr(rr->line, '\0', len) != NULL)
		return fail(rr, "NUL byte in line");
	if (rr->state == S_END)
		return fail(rr, "data after the end record");
	nf = split(rr->line, f);
	if (nf < 0)
		return fail(rr, "malformed line (fields are separated by "
		    "single spaces)");
	if (rr->state == S_NONE) {
		r->type = R_HEADER;
		if (parseheader(rr, f, nf, &r->u.h) != 0)
			return -1;
		rr->maxino = r->u.h.maxino;
		rr->maxsize = ufs_addressable(r->u.h.bsize, r->u.h.ufs2);
		rr->state = S_HEADER;
		return 1;
	}
	if (strcmp(f[0], "end") == 0) {
		r->type = R_END;
		if (complete(rr) != 0)
			return -1;
		if (nf != 3 || pu64(f[1], &r->u.end.inodes) ||
		    pu64(f[2], &r->u.end.errors))
			return fail(rr, "malformed end record");
		if (r->u.end.inodes != rr->inodes)
			return fail(rr, "end record counts %" PRIu64 " inodes "
			    "but %" PRIu64 " came", r->u.end.inodes, rr->inodes);
		rr->state = S_END;
		return 1;
	}
	if (f[0][1] != '\0')
		return fail(rr, "unknown record \"%s\"", f[0]);
	switch (f[0][0]) {
	case 'u':
		r->type = R_USED;
		return parserange(rr, f, nf, r) == 0 ? 1 : -1;
	case 'b':
		r->type = R_DUMPED;
		return parserange(rr, f, nf, r) == 0 ? 1 : -1;
	case 'i':
		r->type = R_INODE;
		if (complete(rr) != 0 || parseinode(rr, f, nf, &r->u.i) != 0)
			return -1;
		if (rr->state == S_INODES) {
			if (r->u.i.type == 'd' && !rr->lastdir)
				return fail(rr, "directory inode %u after a "
				    "non-directory", r->u.i.ino);
			if ((r->u.i.type == 'd') == rr->lastdir &&
			    r->u.i.ino <= rr->lastino)
				return fail(rr, "inode %u after inode %u: not "
				    "in ascending order", r->u.i.ino,
				    rr->lastino);
		}
		rr->state = S_INODES;
		rr->lastdir = r->u.i.type == 'd';
		rr->lastino = r->u.i.ino;
		rr->cur = r->u.i;
		rr->dataoff = rr->extoff = 0;
		rr->havelink = 0;
		rr->omitnext = 0;
		rr->inodes++;
		return 1;
	case 'd':
	case 'x':
		r->type = f[0][0] == 'd' ? R_DATA : R_EXT;
		return parserun(rr, f, nf, r) == 0 ? 1 : -1;
	case 'l':
	case 'n':
		r->type = f[0][0] == 'l' ? R_LINK : R_NAME;
		return parsestr(rr, f, nf, r) == 0 ? 1 : -1;
	case 'o':
		r->type = R_OMIT;
		return parseomit(rr, f, nf, r) == 0 ? 1 : -1;
	}
	return fail(rr, "unknown record \"%s\"", f[0]);
}

static void
putesc(FILE *fp, const char *key, const unsigned char *s, size_t n)
{
	char buf[ESC_MAX(REC_PATHMAX)];

	if (n > REC_PATHMAX)
		n = REC_PATHMAX;
	esc_encode(buf, s, n);
	if (key != NULL)
		fprintf(fp, " %s=%s", key, buf);
	else
		fprintf(fp, " %s", buf);
}

void
rec_put_header(FILE *fp, const struct rec_header *h)
{
	fprintf(fp, "dscan %d", REC_VERSION);
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

void
rec_put_range(FILE *fp, enum rectype t, uint32_t first, uint32_t last)
{
	fprintf(fp, "%c %u %u\n", t == R_USED ? 'u' : 'b', first, last);
}

static void
puttime(FILE *fp, const struct rec_time *t)
{
	int32_t ns = t->nsec >= 0 && t->nsec < 1000000000 ? t->nsec : 0;

	fprintf(fp, " %" PRId64 ".%09d", t->sec, ns);
}

void
rec_put_inode(FILE *fp, const struct rec_inode *ip)
{
	fprintf(fp, "i %u %c %04o %d %u %u %" PRIu64 " %" PRIu64, ip->ino,
	    ip->type, ip->mode & 07777, ip->nlink, ip->uid, ip->gid, ip->size,
	    ip->blocks);
	puttime(fp, &ip->atime);
	puttime(fp, &ip->mtime);
	puttime(fp, &ip->ctime);
	puttime(fp, &ip->birthtime);
	fprintf(fp, " 0x%x %u %" PRIu64 " %u\n", ip->flags, ip->gen, ip->rdev,
	    ip->extsize);
}

void
rec_put_run(FILE *fp, enum rectype t, uint32_t ino, const struct run *r)
{
	if (r->frag == 0)
		fprintf(fp, "%c %u %" PRIu64 " - %" PRIu64 "\n",
		    t == R_EXT ? 'x' : 'd', ino, r->off, r->len);
	else
		fprintf(fp, "%c %u %" PRIu64 " %" PRId64 " %" PRIu64 "\n",
		    t == R_EXT ? 'x' : 'd', ino, r->off, r->frag, r->len);
}

void
rec_put_str(FILE *fp, enum rectype t, uint32_t ino, const unsigned char *s,
    size_t n)
{
	fprintf(fp, "%c %u", t == R_LINK ? 'l' : 'n', ino);
	putesc(fp, NULL, s, n);
	fputc('\n', fp);
}

void
rec_put_omit(FILE *fp, uint32_t ino, uint64_t off)
{
	fprintf(fp, "o %u %" PRIu64 "\n", ino, off);
}

void
rec_put_end(FILE *fp, uint64_t inodes, uint64_t errors)
{
	fprintf(fp, "end %" PRIu64 " %" PRIu64 "\n", inodes, errors);
}
