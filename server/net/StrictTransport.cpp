#include "net/StrictTransport.h"

#include <QTcpSocket>
#include <QVariant>

namespace hlscam {

namespace {
constexpr char kProperty[] = "hlscam_strict_transport";
}

void markStrictTransport(QTcpSocket *socket, bool on) { socket->setProperty(kProperty, on); }

bool strictTransport(const QTcpSocket *socket) { return socket && socket->property(kProperty).toBool(); }

}  // namespace hlscam
