import CairnModel
import CairnStorage
import Crypto
import Foundation
import Testing

@Suite("Chunked AES-256-GCM")
struct EncryptionTests {
    let cipher = BlobCipher(key: SymmetricKey(size: .bits256))

    @Test("A sealed chunk opens only at its index and with its final flag")
    func boundToPosition() throws {
        let plain = Array("cairn".utf8)
        let (ct, tag) = try plain.withUnsafeBytes { try cipher.seal($0, index: 3, final: true) }
        let sealed = Array(ct) + Array(tag)
        let opened = try sealed.withUnsafeBytes { try cipher.open($0, index: 3, final: true) }
        #expect(Array(opened) == plain)
        #expect(throws: EncryptedBlobError.self) { try sealed.withUnsafeBytes { try cipher.open($0, index: 2, final: true) } }
        #expect(throws: EncryptedBlobError.self) { try sealed.withUnsafeBytes { try cipher.open($0, index: 3, final: false) } }
        var tampered = sealed
        tampered[0] ^= 1
        #expect(throws: EncryptedBlobError.self) { try tampered.withUnsafeBytes { try cipher.open($0, index: 3, final: true) } }
    }

    @Test("Physical size: one tag per 64 KiB chunk, one for an empty blob")
    func sizes() {
        #expect(BlobCipher.physicalSize(0) == 16)
        #expect(BlobCipher.physicalSize(65536) == 65536 + 16)
        #expect(BlobCipher.physicalSize(65537) == 65537 + 32)
    }

    @Test("A customer key is recognised by its salted HMAC, and blob keys differ per salt")
    func customerKey() {
        let key = CustomerKey(bytes: Array(repeating: 7, count: 32), md5: "x")
        let other = CustomerKey(bytes: Array(repeating: 8, count: 32), md5: "y")
        let salt: [UInt8] = Array(repeating: 1, count: 16)
        let e = ObjectEncryption(mode: .customer, customerKeyMD5: "x", customerKeySalt: Data(salt).base64EncodedString(),
                                 customerKeyCheck: key.check(salt: salt))
        #expect(e.matches(key))
        #expect(!e.matches(other))
        let k1 = key.blobKey(salt: salt).withUnsafeBytes { Array($0) }
        let k2 = key.blobKey(salt: Array(repeating: 2, count: 16)).withUnsafeBytes { Array($0) }
        #expect(k1 != k2)
    }
}
