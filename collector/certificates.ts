import "reflect-metadata"; // @peculiar/x509 (through tsyringe) needs the Reflect metadata API
import * as x509 from "@peculiar/x509";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { randomBytes, webcrypto } from "node:crypto";
import { join } from "node:path";
import { writeFileAtomic } from "../hosts/node/atomic-file.js";


const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
const CA_DAYS = 3650;
/** Kept under the 398 days that TLS clients accept for server certificates. */
const SERVER_DAYS = 397;
/** Reissue the server certificate when it has less than this left. */
const RENEW_BEFORE_DAYS = 30;
export const SERVER_NAMES = Object.freeze({ dns: ["localhost"], ip: ["127.0.0.1", "::1"] });

export interface CollectorCertificates {
  /** The CA that devices pin (PEM). */
  readonly caCertPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

const FILES = Object.freeze({
  caKey: "ca.key.pem",
  caCert: "ca.cert.pem",
  serverKey: "server.key.pem",
  serverCert: "server.cert.pem",
});

/** Path of the CA certificate in a collector data folder (what devices pin). */
export function caCertPath(dataDir: string): string {
  return join(dataDir, FILES.caCert);
}

/**
 * Loads the collector's CA and server certificate from `dataDir`, creating them
 * on first run (and reissuing the server certificate near its expiry).
 * Private keys are written with mode 0600.
 */
export async function ensureCertificates(dataDir: string, now = new Date()): Promise<CollectorCertificates> {
  // Node's webcrypto implements the standard Crypto interface that the library types with DOM names.
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = (name: string) => join(dataDir, name);
  const hasCaKey = existsSync(path(FILES.caKey));
  const hasCaCert = existsSync(path(FILES.caCert));
  if (hasCaKey !== hasCaCert) {
    throw new Error(`collector data folder ${dataDir} holds only half of the CA (${hasCaKey ? FILES.caKey : FILES.caCert}); restore the other file or start from an empty folder`);
  }
  if (!hasCaKey) await createCa(dataDir, now);

  const caCert = new x509.X509Certificate(readFileSync(path(FILES.caCert), "utf8"));
  if (!serverCertUsable(dataDir, caCert, now)) await issueServerCertificate(dataDir, caCert, now);

  return {
    caCertPem: readFileSync(path(FILES.caCert), "utf8"),
    serverCertPem: readFileSync(path(FILES.serverCert), "utf8"),
    serverKeyPem: readFileSync(path(FILES.serverKey), "utf8"),
  };
}

async function createCa(dataDir: string, now: Date): Promise<void> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: "CN=Ephemera collector CA",
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // Key first: a crash in between leaves a key without a certificate, which is refused above.
  writeFileAtomic(join(dataDir, FILES.caKey), await privateKeyPem(keys.privateKey), 0o600);
  writeFileAtomic(join(dataDir, FILES.caCert), cert.toString("pem"));
}

function serverCertUsable(dataDir: string, caCert: x509.X509Certificate, now: Date): boolean {
  const certFile = join(dataDir, FILES.serverCert);
  if (!existsSync(certFile) || !existsSync(join(dataDir, FILES.serverKey))) return false;
  const cert = new x509.X509Certificate(readFileSync(certFile, "utf8"));
  return cert.issuer === caCert.subject && cert.notAfter.getTime() - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS;
}

async function issueServerCertificate(dataDir: string, caCert: x509.X509Certificate, now: Date): Promise<void> {
  const caKeyDer = x509.PemConverter.decodeFirst(readFileSync(join(dataDir, FILES.caKey), "utf8"));
  const caKey = await webcrypto.subtle.importKey("pkcs8", caKeyDer, ALGORITHM, false, ["sign"]);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: "CN=localhost",
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + SERVER_DAYS * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...SERVER_NAMES.dns.map((value) => ({ type: "dns" as const, value })),
        ...SERVER_NAMES.ip.map((value) => ({ type: "ip" as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  writeFileAtomic(join(dataDir, FILES.serverKey), await privateKeyPem(keys.privateKey), 0o600);
  writeFileAtomic(join(dataDir, FILES.serverCert), cert.toString("pem"));
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

/** 16 random bytes, positive (top bit clear), as RFC 5280 asks. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0] & 0x7f;
  return bytes.toString("hex");
}
