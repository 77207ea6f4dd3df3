/**
 * Process-wide counters for the metrics endpoint. They only ever grow (Prometheus counters), and
 * nothing reads them but the exporter.
 */
export const counters = {
  /** Ed25519 signatures checked (transactions, votes, proposals, commits). */
  signaturesVerified: 0,
  /** Bytes received and sent on peer connections, as on the wire (encrypted frames). */
  peerBytesReceived: 0,
  peerBytesSent: 0,
}
