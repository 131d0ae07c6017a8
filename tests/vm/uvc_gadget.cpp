// A USB webcam for the VM tests: a UVC 1.1 device with one MJPEG size, streaming over a bulk
// endpoint, made with gadgetfs on dummy_hcd, so the host side of the same kernel binds
// uvcvideo, the driver of real USB webcams. (The kernel's own UVC function, usb_f_uvc, streams
// only over isochronous endpoints, which dummy_hcd does not have.)
//
//   uvc_gadget FRAME.jpg WIDTH HEIGHT FPS    (gadgetfs mounted on /dev/gadget, as root)
//
// Sends FRAME.jpg as every frame while the host streams; runs until killed.
#include <linux/usb/ch9.h>
#include <linux/usb/gadgetfs.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

void put16(Bytes &b, unsigned v)
{
    b.push_back(static_cast<uint8_t>(v & 0xff));
    b.push_back(static_cast<uint8_t>((v >> 8) & 0xff));
}

void put32(Bytes &b, uint32_t v)
{
    put16(b, v & 0xffff);
    put16(b, v >> 16);
}

void set16(Bytes &b, size_t at, unsigned v)
{
    b[at] = static_cast<uint8_t>(v & 0xff);
    b[at + 1] = static_cast<uint8_t>((v >> 8) & 0xff);
}

struct Mode {
    unsigned width = 0;
    unsigned height = 0;
    uint32_t interval = 0;  // 100 ns units
    uint32_t frameBytes = 0;
};

constexpr uint8_t kStreamEndpoint = 0x81;  // dummy_udc's ep1in-bulk
constexpr uint32_t kMaxPayload = 16384;    // one bulk transfer: header + data

// The endpoint, at full (64) or high speed (512).
Bytes endpoint(unsigned maxPacket)
{
    Bytes b{7, USB_DT_ENDPOINT, kStreamEndpoint, USB_ENDPOINT_XFER_BULK};
    put16(b, maxPacket);
    b.push_back(0);
    return b;
}

// The configuration: an interface association of VideoControl (camera terminal -> streaming
// terminal) and VideoStreaming (one MJPEG format with one frame size, bulk endpoint).
Bytes configuration(const Mode &mode, unsigned maxPacket)
{
    Bytes b{9, USB_DT_CONFIG, 0, 0, 2, 1, 0, 0xc0, 50};
    Bytes iad{8, USB_DT_INTERFACE_ASSOCIATION, 0, 2, 0x0e, 0x03, 0, 0};
    b.insert(b.end(), iad.begin(), iad.end());
    Bytes vc{9, USB_DT_INTERFACE, 0, 0, 0, 0x0e, 0x01, 0, 0};
    b.insert(b.end(), vc.begin(), vc.end());
    const size_t vcHeader = b.size();
    b.insert(b.end(), {13, 0x24, 0x01});
    put16(b, 0x0110);
    put16(b, 0);  // total length, below
    put32(b, 48000000);
    b.insert(b.end(), {1, 1});
    b.insert(b.end(), {18, 0x24, 0x02, 1});  // camera input terminal 1
    put16(b, 0x0201);
    b.insert(b.end(), {0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0});
    b.insert(b.end(), {9, 0x24, 0x03, 2});  // streaming output terminal 2, from 1
    put16(b, 0x0101);
    b.insert(b.end(), {0, 1, 0});
    set16(b, vcHeader + 5, static_cast<unsigned>(b.size() - vcHeader));

    Bytes vs{9, USB_DT_INTERFACE, 1, 0, 1, 0x0e, 0x02, 0, 0};
    b.insert(b.end(), vs.begin(), vs.end());
    const size_t vsHeader = b.size();
    b.insert(b.end(), {14, 0x24, 0x01, 1});
    put16(b, 0);  // total length, below
    b.insert(b.end(), {kStreamEndpoint, 0, 2, 0, 0, 0, 1, 0});
    b.insert(b.end(), {11, 0x24, 0x06, 1, 1, 1, 1, 0, 0, 0, 0});  // MJPEG format 1
    b.insert(b.end(), {30, 0x24, 0x07, 1, 0});                    // its frame 1
    put16(b, mode.width);
    put16(b, mode.height);
    const uint32_t bitRate = mode.frameBytes * 8 * (10000000 / mode.interval);
    put32(b, bitRate);
    put32(b, bitRate);
    put32(b, mode.frameBytes);
    put32(b, mode.interval);
    b.push_back(1);
    put32(b, mode.interval);
    b.insert(b.end(), {6, 0x24, 0x0d, 1, 1, 4});  // colour matching: BT.709, sRGB
    set16(b, vsHeader + 4, static_cast<unsigned>(b.size() - vsHeader));

    const Bytes ep = endpoint(maxPacket);
    b.insert(b.end(), ep.begin(), ep.end());
    set16(b, 2, static_cast<unsigned>(b.size()));
    return b;
}

Bytes deviceDescriptor()
{
    Bytes b{18, USB_DT_DEVICE};
    put16(b, 0x0200);
    b.insert(b.end(), {0xef, 0x02, 0x01, 64});  // miscellaneous, IAD
    put16(b, 0x1d6b);                           // Linux Foundation
    put16(b, 0x0102);
    put16(b, 0x0100);
    b.insert(b.end(), {0, 0, 0, 1});  // no strings: uvcvideo names it by its IDs
    return b;
}

// The probe/commit control (UVC 1.1, 34 bytes): the one format, frame and interval.
Bytes probeControl(const Mode &mode)
{
    Bytes b;
    put16(b, 1);  // bmHint: frame interval
    b.insert(b.end(), {1, 1});
    put32(b, mode.interval);
    for (int i = 0; i < 5; ++i)
        put16(b, 0);
    put32(b, mode.frameBytes);
    put32(b, kMaxPayload);
    put32(b, 48000000);
    b.insert(b.end(), {0, 0, 0, 0});
    return b;
}

std::atomic<bool> streaming{false};

void streamFrames(int ep, const Bytes &jpeg, const Mode &mode)
{
    uint8_t fid = 0;
    const auto period = std::chrono::microseconds(mode.interval / 10);
    auto next = std::chrono::steady_clock::now();
    for (;;) {
        if (!streaming.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            next = std::chrono::steady_clock::now();
            continue;
        }
        size_t sent = 0;
        while (sent < jpeg.size()) {
            size_t chunk = std::min<size_t>(jpeg.size() - sent, kMaxPayload - 2);
            // A transfer shorter than kMaxPayload must end with a short packet, or the host
            // waits for more: never a multiple of the packet size.
            if ((chunk + 2) % 512 == 0 && chunk + 2 < kMaxPayload)
                --chunk;
            Bytes payload{2, static_cast<uint8_t>(0x80 | fid)};
            if (sent + chunk == jpeg.size())
                payload[1] |= 0x02;  // end of frame
            payload.insert(payload.end(), jpeg.begin() + static_cast<std::ptrdiff_t>(sent),
                           jpeg.begin() + static_cast<std::ptrdiff_t>(sent + chunk));
            if (write(ep, payload.data(), payload.size()) < 0) {
                if (errno != ESHUTDOWN && errno != ECONNRESET && errno != EINTR)
                    std::perror("uvc_gadget: write to the stream endpoint");
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                break;
            }
            sent += chunk;
        }
        fid ^= 1;
        next += period;
        std::this_thread::sleep_until(next);
    }
}

int openEndpoint()
{
    const int ep = open("/dev/gadget/ep1in-bulk", O_RDWR);
    if (ep < 0) {
        std::perror("uvc_gadget: /dev/gadget/ep1in-bulk");
        return -1;
    }
    Bytes config{1, 0, 0, 0};  // tag 1: full-speed then high-speed descriptor
    const Bytes fs = endpoint(64);
    const Bytes hs = endpoint(512);
    config.insert(config.end(), fs.begin(), fs.end());
    config.insert(config.end(), hs.begin(), hs.end());
    if (write(ep, config.data(), config.size()) < 0) {
        std::perror("uvc_gadget: configure ep1in-bulk");
        close(ep);
        return -1;
    }
    return ep;
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s FRAME.jpg WIDTH HEIGHT FPS\n", argv[0]);
        return 2;
    }
    std::ifstream file(argv[1], std::ios::binary);
    const Bytes jpeg{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    Mode mode;
    mode.width = static_cast<unsigned>(std::stoul(argv[2]));
    mode.height = static_cast<unsigned>(std::stoul(argv[3]));
    mode.interval = static_cast<uint32_t>(10000000 / std::stoul(argv[4]));
    mode.frameBytes = static_cast<uint32_t>(jpeg.size() + 2 * (jpeg.size() / kMaxPayload + 1));
    if (jpeg.size() < 4 || jpeg[0] != 0xff || jpeg[1] != 0xd8) {
        std::fprintf(stderr, "uvc_gadget: %s is not a JPEG file\n", argv[1]);
        return 2;
    }

    const int ep0 = open("/dev/gadget/dummy_udc", O_RDWR);
    if (ep0 < 0) {
        std::perror("uvc_gadget: /dev/gadget/dummy_udc (gadgetfs mounted on /dev/gadget?)");
        return 1;
    }
    Bytes init{0, 0, 0, 0};  // tag 0: full-speed config, high-speed config, device
    for (const Bytes &part : {configuration(mode, 64), configuration(mode, 512), deviceDescriptor()})
        init.insert(init.end(), part.begin(), part.end());
    if (write(ep0, init.data(), init.size()) < 0) {
        std::perror("uvc_gadget: write the descriptors");
        return 1;
    }
    std::printf("uvc_gadget: %ux%u MJPEG at %lu fps, %zu bytes a frame\n", mode.width, mode.height,
                10000000UL / mode.interval, jpeg.size());
    std::fflush(stdout);

    int ep = -1;
    Bytes probe = probeControl(mode);
    for (;;) {
        std::array<usb_gadgetfs_event, 5> events{};
        const ssize_t n = read(ep0, events.data(), sizeof(events));
        if (n < 0) {
            // EIDRM: the host gave up on a request and sent the next one (TCG is slow).
            if (errno == EINTR || errno == EIDRM || errno == EL2HLT)
                continue;
            std::perror("uvc_gadget: read ep0");
            return 1;
        }
        for (size_t i = 0; i < static_cast<size_t>(n) / sizeof(usb_gadgetfs_event); ++i) {
            const usb_gadgetfs_event &event = events[i];
            if (event.type == GADGETFS_DISCONNECT) {
                streaming = false;
                continue;
            }
            if (event.type != GADGETFS_SETUP)
                continue;
            const usb_ctrlrequest &setup = event.u.setup;
            const unsigned length = setup.wLength;
            if (std::getenv("UVC_GADGET_DEBUG"))
                std::fprintf(stderr, "uvc_gadget: setup %02x %02x %04x %04x %u\n", setup.bRequestType, setup.bRequest,
                             setup.wValue, setup.wIndex, length);
            const bool in = (setup.bRequestType & USB_DIR_IN) != 0;
            bool handled = false;
            if ((setup.bRequestType & USB_TYPE_MASK) == USB_TYPE_STANDARD) {
                if (setup.bRequest == USB_REQ_SET_CONFIGURATION) {
                    if (ep < 0 && setup.wValue == 1) {
                        ep = openEndpoint();
                        if (ep >= 0)
                            std::thread(streamFrames, ep, std::cref(jpeg), std::cref(mode)).detach();
                    }
                    handled = ep >= 0 || setup.wValue == 0;
                } else if (setup.bRequest == USB_REQ_SET_INTERFACE) {
                    streaming = false;
                    handled = true;
                }
                if (handled && read(ep0, nullptr, 0) < 0)  // the status stage
                    std::perror("uvc_gadget: ack");
                if (!handled && write(ep0, nullptr, 0) < 0 && errno != EL2HLT)  // stall
                    std::perror("uvc_gadget: stall");
                continue;
            }
            // Class requests to the streaming interface: probe (1) and commit (2).
            const unsigned selector = setup.wValue >> 8;
            const unsigned interface = setup.wIndex & 0xff;
            if (interface == 1 && (selector == 1 || selector == 2)) {
                if (!in && setup.bRequest == 0x01) {  // SET_CUR
                    Bytes data(length);
                    if (read(ep0, data.data(), data.size()) < 0)
                        std::perror("uvc_gadget: read SET_CUR");
                    if (selector == 2)
                        streaming = true;  // commit: the host starts reading
                    continue;
                }
                if (in) {
                    Bytes answer;
                    switch (setup.bRequest) {
                    case 0x81:  // GET_CUR
                    case 0x82:  // GET_MIN
                    case 0x83:  // GET_MAX
                    case 0x87:  // GET_DEF
                        answer = probe;
                        break;
                    case 0x84:  // GET_RES
                        answer.assign(probe.size(), 0);
                        break;
                    case 0x85:  // GET_LEN
                        put16(answer, static_cast<unsigned>(probe.size()));
                        break;
                    case 0x86:  // GET_INFO: get and set supported
                        answer = {0x03};
                        break;
                    default: break;
                    }
                    if (!answer.empty()) {
                        answer.resize(std::min<size_t>(answer.size(), length));
                        if (write(ep0, answer.data(), answer.size()) < 0)
                            std::perror("uvc_gadget: answer");
                        continue;
                    }
                }
            }
            // Anything else (controls this camera has not got): stall, by going the wrong way.
            if (in) {
                if (read(ep0, nullptr, 0) < 0 && errno != EL2HLT)
                    std::perror("uvc_gadget: stall");
            } else if (write(ep0, nullptr, 0) < 0 && errno != EL2HLT) {
                std::perror("uvc_gadget: stall");
            }
        }
    }
}
