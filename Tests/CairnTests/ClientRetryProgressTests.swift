@testable import CairnClient
import Testing

/// A retried file body is read and reported again from its start; the failed attempt's bytes must
/// be taken back first or the progress bar runs ahead of the transfer.
@Suite("Progress of retried request bodies")
struct ClientRetryProgressTests {
    @Test("A failed attempt's bytes are taken back before the retry")
    func rewind() async throws {
        let progress = TransferProgress(total: 1000, label: "upload", draw: false)
        let request = S3Request(method: "PUT", bucket: "b", key: "k",
                                body: .file(path: "/dev/null", offset: 0, length: 1000, progress: { await progress.add($0) }))
        let (first, counted) = S3Client.countingProgress(request)
        guard case .file(_, _, _, let report?) = first.body, let counted else {
            Issue.record("the file body's progress was not wrapped")
            return
        }
        await report(300)
        await report(100)
        #expect(progress.bytes == 400)
        await counted.rewind()
        #expect(progress.bytes == 0)
        await counted.rewind()  // nothing more to take back
        #expect(progress.bytes == 0)
        let (second, _) = S3Client.countingProgress(request)
        guard case .file(_, _, _, let again?) = second.body else { return }
        await again(1000)
        #expect(progress.bytes == 1000)
    }

    @Test("Bodies without a progress callback are left alone")
    func untouched() {
        let (_, counted) = S3Client.countingProgress(S3Request(method: "PUT", bucket: "b", key: "k", body: .bytes([1, 2, 3])))
        #expect(counted == nil)
    }
}
