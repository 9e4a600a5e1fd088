/*
 * Decoding: libsndfile first (it says quickly whether it knows the file),
 * then FFmpeg. Both give interleaved float at the file's channels and rate.
 */
#include <stdlib.h>
#include <sndfile.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>

#include "audio/decode.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define BLOCK_FRAMES 8192

static int decode_sndfile(SNDFILE *sf, const SF_INFO *info, audio_block_fn fn,
			  void *arg, struct strbuf *err)
{
	struct audio_format fmt = { info->channels, info->samplerate,
		(double)info->frames / info->samplerate, "sndfile" };
	float *buf = xmalloc(sizeof(float) * BLOCK_FRAMES * (size_t)info->channels);
	sf_count_t n;
	int r = 0;

	while ((n = sf_readf_float(sf, buf, BLOCK_FRAMES)) > 0)
		if ((r = fn(arg, &fmt, buf, (size_t)n)))
			break;
	if (!r && sf_error(sf)) {
		strbuf_addf(err, "cannot decode: %s", sf_strerror(sf));
		r = -1;
	}
	free(buf);
	return r;
}

struct ff {
	AVFormatContext *fc;
	AVCodecContext *cc;
	SwrContext *swr;
	AVPacket *pkt;
	AVFrame *frame;
	float *out;
	int out_alloc, stream;
	struct audio_format fmt;
};

static void ff_free(struct ff *f)
{
	swr_free(&f->swr);
	avcodec_free_context(&f->cc);
	avformat_close_input(&f->fc);
	av_packet_free(&f->pkt);
	av_frame_free(&f->frame);
	free(f->out);
}

static int ff_open(struct ff *f, const char *path, struct strbuf *err)
{
	const AVCodec *codec = NULL;
	int e;

	av_log_set_level(AV_LOG_QUIET);
	if ((e = avformat_open_input(&f->fc, path, NULL, NULL)) < 0 ||
	    (e = avformat_find_stream_info(f->fc, NULL)) < 0) {
		strbuf_addstr(err, "not audio (no decoder knows the file)");
		return -1;
	}
	f->stream = av_find_best_stream(f->fc, AVMEDIA_TYPE_AUDIO, -1, -1,
					&codec, 0);
	if (f->stream < 0 || !codec) {
		strbuf_addstr(err, "not audio (no audio stream)");
		return -1;
	}
	f->cc = avcodec_alloc_context3(codec);
	if (avcodec_parameters_to_context(f->cc,
			f->fc->streams[f->stream]->codecpar) < 0 ||
	    avcodec_open2(f->cc, codec, NULL) < 0 ||
	    f->cc->ch_layout.nb_channels < 1 || f->cc->sample_rate < 1) {
		strbuf_addstr(err, "not audio (cannot open its decoder)");
		return -1;
	}
	f->fmt.channels = f->cc->ch_layout.nb_channels;
	f->fmt.rate = f->cc->sample_rate;
	f->fmt.decoder = "ffmpeg";
	f->fmt.seconds = f->fc->duration > 0
		? (double)f->fc->duration / AV_TIME_BASE : -1;
	if (swr_alloc_set_opts2(&f->swr, &f->cc->ch_layout, AV_SAMPLE_FMT_FLT,
				f->fmt.rate, &f->cc->ch_layout,
				f->cc->sample_fmt, f->fmt.rate, 0, NULL) < 0 ||
	    swr_init(f->swr) < 0) {
		strbuf_addstr(err, "cannot convert its samples");
		return -1;
	}
	f->pkt = av_packet_alloc();
	f->frame = av_frame_alloc();
	return 0;
}

/* Converts and hands on every frame the decoder has ready. */
static int ff_drain(struct ff *f, audio_block_fn fn, void *arg)
{
	int r;

	while (avcodec_receive_frame(f->cc, f->frame) == 0) {
		int n = f->frame->nb_samples;
		uint8_t *out[1];
		if (n > f->out_alloc) {
			f->out_alloc = n;
			f->out = xrealloc(f->out, sizeof(float) * (size_t)n *
					  (size_t)f->fmt.channels);
		}
		out[0] = (uint8_t *)f->out;
		n = swr_convert(f->swr, out, n,
				(const uint8_t **)f->frame->extended_data, n);
		av_frame_unref(f->frame);
		if (n > 0 && (r = fn(arg, &f->fmt, f->out, (size_t)n)))
			return r;
	}
	return 0;
}

static int decode_ffmpeg(const char *path, audio_block_fn fn, void *arg,
			 struct strbuf *err)
{
	struct ff f = { 0 };
	int r = -1, bad = 0, good = 0;

	if (ff_open(&f, path, err))
		goto out;
	while (av_read_frame(f.fc, f.pkt) >= 0) {
		if (f.pkt->stream_index == f.stream) {
			if (avcodec_send_packet(f.cc, f.pkt) < 0)
				bad++;
			else
				good++;
		}
		av_packet_unref(f.pkt);
		if ((r = ff_drain(&f, fn, arg)))
			goto out;
	}
	avcodec_send_packet(f.cc, NULL);
	if ((r = ff_drain(&f, fn, arg)))
		goto out;
	if (!good && bad) {
		strbuf_addstr(err, "cannot decode: every packet was damaged");
		r = -1;
	}
out:
	ff_free(&f);
	return r;
}

int audio_decode(const char *path, audio_block_fn fn, void *arg,
		 struct strbuf *err)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	int r;

	if (sf) {
		if (info.channels < 1 || info.samplerate < 1) {
			sf_close(sf);
			strbuf_addstr(err, "not audio (no channels)");
			return -1;
		}
		r = decode_sndfile(sf, &info, fn, arg, err);
		sf_close(sf);
		return r;
	}
	return decode_ffmpeg(path, fn, arg, err);
}
