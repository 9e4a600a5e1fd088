/*
 * Enrichment answers (pipeline/transform.c's tr_add_*, as enrich.c calls
 * them): every input is offered as a single track, artist, audio-features
 * and audio-analysis answer, and its batch arrays ("tracks", "artists",
 * "audio_features", ReccoBeats' "content") item by item.
 */
#include "pipeline/transform.h"
#include "fuzz.h"
#include "core/banned.h"

static void batch(struct tr_batch *b, const cJSON *j, const char *key)
{
	const cJSON *item;
	char buf[64];

	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(j, key)) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
		const char *tid = cJSON_IsString(id) ? id->valuestring : "x";
		if (key[0] == 't')
			tr_add_track(b, item);
		else if (key[0] == 'a' && key[1] == 'r')
			tr_add_artist(b, item);
		else if (key[0] == 'c')
			tr_add_features(b, item, tr_recco_track_id(item, buf,
				sizeof(buf)) ? buf : tid, "reccobeats");
		else
			tr_add_features(b, item, tid, "spotify");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tr_batch b = TR_BATCH_INIT;
	cJSON *j = cJSON_ParseWithLength((const char *)data, size);
	char buf[64];

	if (!j)
		return 0;
	tr_add_track(&b, j);
	tr_add_artist(&b, j);
	tr_add_features(&b, j, "0NEgLKReA7npnfiJeUHP8q", "spotify");
	tr_add_analysis(&b, j, "0NEgLKReA7npnfiJeUHP8q", "spotify");
	tr_recco_track_id(j, buf, sizeof(buf));
	batch(&b, j, "tracks");
	batch(&b, j, "artists");
	batch(&b, j, "audio_features");
	batch(&b, j, "content");
	tr_batch_release(&b);
	cJSON_Delete(j);
	return 0;
}
