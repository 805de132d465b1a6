import Foundation

/// The live line of a bench on a terminal: `put  12.0 s  18234 req  1519 req/s  24.9 MB/s  0 errors`,
/// redrawn in place. Draws nothing when stdout is not a terminal, so `--json` and logs stay clean.
final class BenchProgress: Sendable {
    let enabled: Bool
    let label: String

    init(draw: Bool, label: String) {
        enabled = draw && isatty(STDOUT_FILENO) != 0
        self.label = label
    }

    func draw(elapsed: Double, requests: Int, bytes: Int64, errors: Int) {
        guard enabled else { return }
        let t = max(0.001, elapsed)
        let line = String(format: "\r\u{1B}[K%@  %.1f s  %d req  %.0f req/s  %.1f MB/s  %d errors",
                          label, elapsed, requests, Double(requests) / t, Double(bytes) / t / 1e6, errors)
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    /// Erases the line before the result table is printed.
    func clear() {
        guard enabled else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
    }
}
