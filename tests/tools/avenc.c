/*
 * avenc: encodes a file libsndfile reads (WAV, FLAC) to MP3 (libmp3lame) or
 * M4A/AAC (FFmpeg's aac) through libavformat/libavcodec, with title, artist
 * and ISRC tags (ID3 TSRC in MP3, an "ISRC" item in M4A), for the analysis
 * tests of issue 13: Debian's FFmpeg libraries are installed, its ffmpeg
 * command is not.
 *
 *   avenc IN OUT.mp3|OUT.m4a [TITLE ARTIST ISRC]
 */
#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <sndfile.h>

static int drain(AVCodecContext *cc, AVFormatContext *fc, AVStream *st, AVFrame *fr)
{
	AVPacket *pk = av_packet_alloc();
	int r = avcodec_send_frame(cc, fr);
	while (r >= 0) {
		r = avcodec_receive_packet(cc, pk);
		if (r == AVERROR(EAGAIN) || r == AVERROR_EOF)
			break;
		if (r < 0)
			break;
		av_packet_rescale_ts(pk, cc->time_base, st->time_base);
		pk->stream_index = st->index;
		if (av_interleaved_write_frame(fc, pk) < 0)
			r = -1;
	}
	av_packet_free(&pk);
	return r == AVERROR(EAGAIN) || r == AVERROR_EOF ? 0 : r;
}

static int encode(SNDFILE *in, const SF_INFO *info, AVFormatContext *fc, AVCodecContext *cc, AVStream *st)
{
	AVFrame *fr = av_frame_alloc();
	float buf[4096 * 8];
	int n = cc->frame_size > 0 ? cc->frame_size : 1152, rc = 0;
	int64_t pts = 0;
	fr->nb_samples = n;
	fr->format = cc->sample_fmt;
	av_channel_layout_copy(&fr->ch_layout, &cc->ch_layout);
	fr->sample_rate = cc->sample_rate;
	if (av_frame_get_buffer(fr, 0) < 0)
		return -1;
	for (;;) {
		sf_count_t k = sf_readf_float(in, buf, n);
		if (k <= 0)
			break;
		av_frame_make_writable(fr);
		fr->nb_samples = (int)k;
		for (int c = 0; c < info->channels; c++)
			for (sf_count_t i = 0; i < k; i++)
				((float *)fr->data[c])[i] = buf[i * info->channels + c];
		fr->pts = pts;
		pts += k;
		if ((rc = drain(cc, fc, st, fr)) < 0)
			break;
	}
	if (rc >= 0)
		rc = drain(cc, fc, st, NULL);
	av_frame_free(&fr);
	return rc;
}

int main(int argc, char **argv)
{
	SF_INFO info = { 0 };
	SNDFILE *in;
	AVFormatContext *fc = NULL;
	if (argc != 3 && argc != 6) {
		fprintf(stderr, "usage: avenc IN OUT.mp3|OUT.m4a [TITLE ARTIST ISRC]\n");
		return 2;
	}
	if (!(in = sf_open(argv[1], SFM_READ, &info))) {
		fprintf(stderr, "avenc: %s: %s\n", argv[1], sf_strerror(NULL));
		return 1;
	}
	int mp3 = strstr(argv[2], ".mp3") != NULL;
	const AVCodec *codec = avcodec_find_encoder_by_name(mp3 ? "libmp3lame" : "aac");
	if (!codec || avformat_alloc_output_context2(&fc, NULL, mp3 ? "mp3" : "ipod", argv[2]) < 0) {
		fprintf(stderr, "avenc: no %s encoder or muxer\n", mp3 ? "libmp3lame" : "aac");
		return 1;
	}
	AVStream *st = avformat_new_stream(fc, NULL);
	AVCodecContext *cc = avcodec_alloc_context3(codec);
	cc->sample_fmt = AV_SAMPLE_FMT_FLTP;
	cc->sample_rate = info.samplerate;
	av_channel_layout_default(&cc->ch_layout, info.channels);
	cc->bit_rate = 128000;
	cc->time_base = (AVRational){ 1, info.samplerate };
	if (fc->oformat->flags & AVFMT_GLOBALHEADER)
		cc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	if (avcodec_open2(cc, codec, NULL) < 0 || avcodec_parameters_from_context(st->codecpar, cc) < 0) {
		fprintf(stderr, "avenc: cannot open the encoder\n");
		return 1;
	}
	st->time_base = cc->time_base;
	if (argc == 6) {
		av_dict_set(&fc->metadata, "title", argv[3], 0);
		av_dict_set(&fc->metadata, "artist", argv[4], 0);
		av_dict_set(&fc->metadata, mp3 ? "TSRC" : "ISRC", argv[5], 0);
	}
	AVDictionary *opt = NULL;
	if (!mp3) /* keep the "ISRC" key: the mp4 muxer drops keys it has no atom for */
		av_dict_set(&opt, "movflags", "+use_metadata_tags", 0);
	if (avio_open(&fc->pb, argv[2], AVIO_FLAG_WRITE) < 0 || avformat_write_header(fc, &opt) < 0) {
		fprintf(stderr, "avenc: cannot write '%s'\n", argv[2]);
		return 1;
	}
	int rc = encode(in, &info, fc, cc, st);
	if (av_write_trailer(fc) < 0)
		rc = -1;
	avio_closep(&fc->pb);
	avcodec_free_context(&cc);
	avformat_free_context(fc);
	sf_close(in);
	return rc < 0 ? 1 : 0;
}
