/** PEM text to DER certificates for the SDK's TLS. No SDK import: tested inside XS (test/xs/device-host.spec.ts). */
import { base64Decode } from "../../src/provision/base64.js";

/** The certificates of a PEM text, as DER, in order. */
export function pemCertificates(pem: string): ArrayBuffer[] {
  const certificates: ArrayBuffer[] = [];
  const pattern = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g;
  for (let match = pattern.exec(pem); match !== null; match = pattern.exec(pem)) {
    const der = base64Decode(match[1].replace(/\s+/g, ""));
    if (der === undefined) throw new RangeError("https: the collector CA holds a certificate that is not base64");
    const copy = new Uint8Array(der.length);
    copy.set(der);
    certificates.push(copy.buffer);
  }
  if (certificates.length === 0) throw new RangeError("https: the collector CA holds no certificate");
  return certificates;
}
