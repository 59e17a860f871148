import { strict as assert } from "node:assert";
import { existsSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { caCertPath, ensureCertificates } from "../../collector/certificates.js";
import { removeFolder, tempFolder } from "./fixtures.js";

const DAY_MS = 24 * 60 * 60 * 1000;

describe("collector: certificates", function () {
  this.timeout(60_000); // child processes and key generation on a busy 2-core machine
  let folder: string;

  beforeEach(() => {
    folder = tempFolder("certs");
  });

  afterEach(() => {
    removeFolder(folder);
  });

  it("creates a CA and a server certificate for localhost and 127.0.0.1 on first run", async () => {
    const certificates = await ensureCertificates(folder);
    const ca = new X509Certificate(certificates.caCertPem);
    const server = new X509Certificate(certificates.serverCertPem);
    assert.equal(ca.ca, true);
    assert.equal(server.ca, false);
    assert.equal(server.verify(ca.publicKey), true, "the server certificate is signed by the CA");
    assert.equal(server.checkIssued(ca), true);
    assert.equal(server.checkHost("localhost"), "localhost");
    assert.equal(server.checkIP("127.0.0.1"), "127.0.0.1");
    assert.equal(server.checkHost("example.com"), undefined);
    assert.equal(readFileSync(caCertPath(folder), "utf8"), certificates.caCertPem);
  });

  it("keeps private keys readable by the owner only", async () => {
    await ensureCertificates(folder);
    for (const name of ["ca.key.pem", "server.key.pem"]) {
      assert.equal(statSync(join(folder, name)).mode & 0o077, 0, `${name} is private`);
    }
  });

  it("reuses the same CA and server certificate on later runs", async () => {
    const first = await ensureCertificates(folder);
    const second = await ensureCertificates(folder);
    assert.deepEqual(second, first);
  });

  it("reissues the server certificate near expiry under the same CA", async () => {
    const first = await ensureCertificates(folder);
    const later = await ensureCertificates(folder, new Date(Date.now() + 380 * DAY_MS));
    assert.equal(later.caCertPem, first.caCertPem);
    assert.notEqual(later.serverCertPem, first.serverCertPem);
    assert.equal(new X509Certificate(later.serverCertPem).checkIssued(new X509Certificate(first.caCertPem)), true);
  });

  it("refuses a data folder that holds only half of the CA", async () => {
    await ensureCertificates(folder);
    unlinkSync(join(folder, "ca.key.pem"));
    await assert.rejects(ensureCertificates(folder), /only half of the CA \(ca\.cert\.pem\)/);
    assert.equal(existsSync(join(folder, "ca.key.pem")), false, "nothing regenerated behind the operator's back");
  });
});
