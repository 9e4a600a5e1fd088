/*
 * Finding, hashing and naming the files of 'spinlog analyze'.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "cmd/analyze_files.h"
#include "core/xalloc.h"
#include "core/banned.h"

static const char *const audio_ext[] = { ".wav", ".flac", ".ogg", ".oga",
	".opus", ".mp3", ".m4a", ".aac", ".aif", ".aiff", ".wv", NULL };

static int is_audio_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (int i = 0; dot && audio_ext[i]; i++)
		if (!strcasecmp(dot, audio_ext[i]))
			return 1;
	return 0;
}

static int walk(const char *dir, struct strvec *files)
{
	struct strvec names = { 0 };
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			strvec_push(&names, e->d_name);
	closedir(d);
	strvec_sort(&names);
	for (size_t i = 0; i < names.n; i++) {
		struct strbuf p = STRBUF_INIT;
		struct stat st;
		strbuf_addf(&p, "%s/%s", dir, names.v[i]);
		if (stat(p.buf, &st) == 0 && S_ISDIR(st.st_mode))
			walk(p.buf, files);
		else if (S_ISREG(st.st_mode) && is_audio_name(names.v[i]))
			strvec_push(files, p.buf);
		strbuf_release(&p);
	}
	strvec_clear(&names);
	return 0;
}

int analyze_collect(const char *path, struct strvec *files, struct strbuf *err)
{
	struct stat st;

	if (stat(path, &st)) {
		strbuf_addf(err, "'%s': no such file or folder", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		strvec_push(files, path);
		return 0;
	}
	if (walk(path, files)) {
		strbuf_addf(err, "'%s': cannot read the folder", path);
		return -1;
	}
	return 0;
}

int analyze_hash(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	EVP_MD_CTX *ctx;
	unsigned char buf[65536], md[32];
	size_t n;

	if (!f)
		return -1;
	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	n = ferror(f);
	fclose(f);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return n ? -1 : 0;
}

char *analyze_norm(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	int space = 0;

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c >= 0x80) {
			if (space && b.len)
				strbuf_addch(&b, ' ');
			strbuf_addch(&b, c < 0x80 ? tolower(c) : c);
			space = 0;
		} else {
			space = 1;
		}
	}
	return strbuf_detach(&b, NULL);
}
