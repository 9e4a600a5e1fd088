/* A PNG is the signature, IHDR, one IDAT holding a zlib stream and IEND. */
#include "png.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "core/banned.h"

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffU;
	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffU;
}

static void put32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			       (unsigned char)v };
	strbuf_add(sb, b, 4);
}

static void chunk(struct strbuf *sb, const char *type, const unsigned char *data, size_t n)
{
	size_t at;
	put32(sb, (uint32_t)n);
	at = sb->len;
	strbuf_add(sb, type, 4);
	if (n)
		strbuf_add(sb, data, n);
	put32(sb, crc32_of((const unsigned char *)sb->buf + at, n + 4));
}

unsigned char *png_flat(int size, uint32_t rgb, size_t *len)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	struct strbuf out = STRBUF_INIT, z = STRBUF_INIT;
	size_t row = 1 + 3 * (size_t)size, raw_len = row * (size_t)size;
	unsigned char *raw = xmalloc(raw_len);
	unsigned char ihdr[13];

	if (!crc_table[1])
		crc_init();
	for (int y = 0; y < size; y++) {
		unsigned char *p = raw + row * (size_t)y;
		p[0] = 0; /* filter: none */
		for (int x = 0; x < size; x++) {
			p[1 + 3 * x] = (unsigned char)(rgb >> 16);
			p[2 + 3 * x] = (unsigned char)(rgb >> 8);
			p[3 + 3 * x] = (unsigned char)rgb;
		}
	}
	/* deflated (zlib): a flat 640 px cover is 2 KB, not the 1.2 MB of
	 * stored blocks, about what a real 640 px JPEG weighs (60-120 KB) or
	 * less, so caching every album's cover stays small */
	uLongf zlen = compressBound((uLong)raw_len);
	strbuf_grow(&z, zlen);
	if (compress2((Bytef *)z.buf, &zlen, raw, (uLong)raw_len, 6) != Z_OK)
		zlen = 0;
	strbuf_setlen(&z, zlen);

	strbuf_add(&out, sig, 8);
	memset(ihdr, 0, sizeof(ihdr));
	ihdr[0] = (unsigned char)(size >> 24);
	ihdr[1] = (unsigned char)(size >> 16);
	ihdr[2] = (unsigned char)(size >> 8);
	ihdr[3] = (unsigned char)size;
	memcpy(ihdr + 4, ihdr, 4);
	ihdr[8] = 8; /* bit depth */
	ihdr[9] = 2; /* colour type: RGB */
	chunk(&out, "IHDR", ihdr, 13);
	chunk(&out, "IDAT", (const unsigned char *)z.buf, z.len);
	chunk(&out, "IEND", NULL, 0);
	free(raw);
	strbuf_release(&z);
	return (unsigned char *)strbuf_detach(&out, len);
}
