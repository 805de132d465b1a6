import CairnHashing
import CairnModel
import Foundation
import Testing

@Suite("Checksums")
struct HashingTests {
    func digest(_ a: ChecksumAlgorithm, _ s: String) -> String {
        var st = ChecksumState(a)
        st.update(Array(s.utf8))
        return Hex.encode(st.digest())
    }

    @Test("CRC check values of \"123456789\"")
    func checkValues() {
        #expect(digest(.crc32, "123456789") == "cbf43926")
        #expect(digest(.crc32c, "123456789") == "e3069283")
        #expect(digest(.crc64nvme, "123456789") == "ae8b14860a799888")
    }

    @Test("One pass gives the MD5 ETag, SHA-256 and the checksum")
    func onePass() {
        var h = BodyHasher(sha256: true, checksum: .sha1)
        Array("hello\n".utf8).withUnsafeBytes { h.update($0) }
        let d = h.finalize()
        #expect(d.etag.value == "b1946ac92492d2347c6235b4d2611184")
        #expect(Hex.encode(d.sha256!) == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        #expect(d.checksum?.base64 == "9XLTlvrpIGYocU+yzgD3LpTyJY8=")
        #expect(d.size == 6)
    }
}
