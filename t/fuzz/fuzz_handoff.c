/*
 * Fuzz the reader of the hand-off (lib/handoff.c, dumptape(5)), as
 * dtapewr -H runs it: ho_attach on the shared file and the first notice,
 * then ho_read until the end of the notices or a refusal.
 *
 * The input is the first 32 bytes of the shared file's header (magic,
 * buffers, size of a buffer), then the notices.  The file is made as
 * long as the header asks, up to MAXBUFS bytes of buffers (past that it
 * is too short, which ho_attach must refuse), every byte of buffer i at
 * offset j holding (i * 37 + j) & 255; the notices come through a pipe.
 * Whatever the input, every byte read must be one of a buffer, in
 * order, the reads no longer than asked, and the count of buffers given
 * back must follow the notices taken.
 */
#include <sys/types.h>
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "handoff.h"

#define HEAD		32
#define MAXBUFS		(64 * 1024)	/* bytes of buffers, at most */
#define MAXNOTICES	(60 * 1024)	/* what a pipe surely holds */

static unsigned char file[HO_HEADER + MAXBUFS];
static unsigned char out[8192];

/* The file the header asks for, cut at MAXBUFS bytes of buffers. */
static size_t
makefile(const uint8_t *data)
{
	uint32_t nbuf;
	uint64_t size, want, i, j;

	memset(file, 0, HO_HEADER);
	memcpy(file, data, HEAD);
	memcpy(&nbuf, file + 16, 4);
	memcpy(&size, file + 24, 8);
	want = nbuf != 0 && size <= MAXBUFS / nbuf ? nbuf * size : MAXBUFS;
	for (i = 0; size != 0 && i < want / size + 1; i++)
		for (j = 0; j < size && i * size + j < want; j++)
			file[HO_HEADER + i * size + j] =
			    (unsigned char)((i * 37 + j) & 255);
	return HO_HEADER + (size_t)want;
}

/* Check the n bytes just read against the buffer they came from. */
static void
checkread(const struct handoff *h, size_t n)
{
	size_t at, buf, j;
	uint32_t given;

	if (h->cur < h->map + HO_HEADER ||
	    h->cur + h->size > h->map + h->maplen)
		BUG("a buffer outside the file");
	at = (size_t)(h->cur - h->map) - HO_HEADER;
	if (at % h->size != 0 || h->curoff > h->curlen || h->curlen > h->size ||
	    n > h->curoff)
		BUG("a read past its buffer: %zu of %zu", h->curoff, h->curlen);
	buf = at / h->size;
	for (j = 0; j < n; j++)
		if (out[j] != (unsigned char)((buf * 37 + h->curoff - n + j) &
		    255))
			BUG("byte %zu of a read is not its buffer's", j);
	memcpy(&given, h->map + 64, 4);
	if (given != (uint32_t)h->seq - (h->curoff < h->curlen))
		BUG("%u buffers given back after %llu notices", given,
		    (unsigned long long)h->seq);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t asks[] = { 1, 1000, sizeof(out), 24, 4095 };
	struct handoff h;
	size_t len, k, nnote;
	ssize_t n;
	int fd, p[2];

	if (size < HEAD + HO_NOTICE || size - HEAD > MAXNOTICES)
		return 0;
	len = makefile(data);
	fd = fuzz_file(file, len, 0, NULL);
	nnote = size - HEAD - HO_NOTICE;
	if (pipe(p) != 0)
		FATAL("pipe");
	if (nnote > 0 && write(p[1], data + HEAD + HO_NOTICE, nnote) !=
	    (ssize_t)nnote)
		FATAL("write");
	close(p[1]);
	if (ho_attach(&h, fd, p[0], data + HEAD) != 0) {
		if (h.err[0] == '\0')
			BUG("refused without a reason");
	} else {
		for (k = 0;; k++) {
			n = ho_read(&h, out, asks[k % 5]);
			if (n == HO_AGAIN)
				continue;
			if (n < 0) {
				if (h.err[0] == '\0')
					BUG("refused without a reason");
				break;
			}
			if ((size_t)n > asks[k % 5])
				BUG("%zd bytes for %zu asked", n, asks[k % 5]);
			if (n == 0)
				break;
			checkread(&h, (size_t)n);
		}
	}
	if (h.map != NULL)
		munmap(h.map, h.maplen);
	close(p[0]);
	return 0;
}
