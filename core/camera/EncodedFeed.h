// A camera's encoded H.264 access units, handed to subscribers (the WebRTC sender) as they leave
// the encoder, before any packaging: the one encode every viewer shares. Subscribers are called
// on the camera's thread and must return at once (queue the unit to their own thread); after
// unsubscribe() returns, a subscriber is never called again. Costs nothing without subscribers.
#pragma once

#include "encode/Encoder.h"
#include "hls/H264Bitstream.h"

#include <QList>
#include <QMutex>
#include <functional>
#include <memory>

namespace hlscam {

struct AccessUnit {
    QList<QByteArray> nals;  // NAL units without start codes or length prefixes
    bool key = false;
    qint64 monoUs = 0;  // capture clocks (see Capture)
    qint64 wallUs = 0;
};
using AccessUnitPtr = std::shared_ptr<const AccessUnit>;

class EncodedFeed {
public:
    using Sink = std::function<void(const AccessUnitPtr &)>;

    // Any thread. Returns the id to unsubscribe with.
    int subscribe(Sink sink);
    void unsubscribe(int id);

    // The latest SPS and PPS the stream carried (out of band or on a key frame); empty before
    // the first key frame. Any thread.
    h264::ParameterSets parameterSets() const;

    // The camera's thread: one encoded packet, read with the encoder's parameters.
    void publish(const EncodedPacket &packet, const H264Parameters &parameters);

private:
    mutable QMutex m_mutex;
    QList<std::pair<int, Sink>> m_sinks;
    int m_nextId = 1;
    h264::ParameterSets m_sets;
    QByteArray m_extradata;  // the extradata m_sets were read from, to notice a change
};

}  // namespace hlscam
