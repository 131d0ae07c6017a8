#include "KeyFrameDecoder.h"

#include <cstring>

namespace hlscam {

Error KeyFrameDecoder::open(const QByteArray &extradata)
{
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (!codec)
        return {Fault::UnsupportedFormat, QStringLiteral("FFmpeg has no H.264 decoder")};
    ff::CodecContextPtr context(avcodec_alloc_context3(codec));
    if (!context)
        return {Fault::Other, QStringLiteral("out of memory for the H.264 decoder")};
    context->thread_count = 1;  // one picture in, one out
    if (!extradata.isEmpty()) {
        // SPS/PPS out of band (Annex B or avcC: the decoder tells them apart); FFmpeg owns and
        // frees this copy, padded as it requires.
        auto *copy = static_cast<uint8_t *>(av_mallocz(size_t(extradata.size()) + AV_INPUT_BUFFER_PADDING_SIZE));
        if (!copy)
            return {Fault::Other, QStringLiteral("out of memory for the H.264 decoder")};
        memcpy(copy, extradata.constData(), size_t(extradata.size()));
        context->extradata = copy;
        context->extradata_size = int(extradata.size());
    }
    const int err = avcodec_open2(context.get(), codec, nullptr);
    if (err < 0)
        return {Fault::UnsupportedFormat, QStringLiteral("cannot open the H.264 decoder: %1").arg(ff::errorText(err))};
    m_context = std::move(context);
    m_extradata = extradata;
    return {};
}

Result<Picture> KeyFrameDecoder::decode(const QByteArray &extradata, const QByteArray &keyFrame)
{
    if (!m_context || extradata != m_extradata) {
        m_context.reset();
        if (Error error = open(extradata))
            return error;
    } else {
        avcodec_flush_buffers(m_context.get());  // out of the drain of the last key frame
    }
    ff::PacketPtr packet = ff::makePacket();
    ff::FramePtr frame = ff::makeFrame();
    if (!packet || !frame || av_new_packet(packet.get(), int(keyFrame.size())) < 0)
        return Error{Fault::Other, QStringLiteral("out of memory for a key frame")};
    memcpy(packet->data, keyFrame.constData(), size_t(keyFrame.size()));
    packet->flags |= AV_PKT_FLAG_KEY;
    int err = avcodec_send_packet(m_context.get(), packet.get());
    if (err >= 0)
        err = avcodec_send_packet(m_context.get(), nullptr);  // drain: the picture comes out now
    if (err >= 0)
        err = avcodec_receive_frame(m_context.get(), frame.get());
    if (err < 0) {
        m_context.reset();  // start clean with the next key frame
        return Error{Fault::UnsupportedFormat,
                     QStringLiteral("cannot decode the key frame: %1").arg(ff::errorText(err))};
    }
    if (!m_converter || m_converter->width() != frame->width || m_converter->height() != frame->height)
        m_converter = std::make_unique<FrameConverter>(frame->width, frame->height);
    Picture picture = m_converter->convert(frame.get());
    if (picture.isNull())
        return Error{Fault::UnsupportedFormat, QStringLiteral("cannot convert the decoded key frame to I420")};
    return picture;
}

}  // namespace hlscam
