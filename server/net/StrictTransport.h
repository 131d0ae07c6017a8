// Whether answers on a connection carry Strict-Transport-Security: only over HTTPS with a real
// certificate (configured files or ACME-issued). Never with the self-signed stand-in served
// before the first ACME certificate: a browser told to keep to HTTPS then could not be let
// through its certificate warning, and the name would be locked out until the real one came.
// The Listener marks each connection with the certificate it begins with.
#pragma once

class QTcpSocket;

namespace hlscam {

void markStrictTransport(QTcpSocket *socket, bool on);
bool strictTransport(const QTcpSocket *socket);

}  // namespace hlscam
