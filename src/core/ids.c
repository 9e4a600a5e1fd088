#include "core/ids.h"

#include <string.h>

#include "core/banned.h"

int spotify_id_valid(const char *s, size_t len)
{
	if (len != SPOTIFY_ID_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		      (c >= 'a' && c <= 'z')))
			return 0;
	}
	return 1;
}

int spotify_id_valid_str(const char *s)
{
	return s && spotify_id_valid(s, strlen(s));
}
