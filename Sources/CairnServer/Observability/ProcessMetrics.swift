import CoreMetrics
import Foundation

/// The process's resident memory and open file descriptors, read from /proc/self when /metrics is
/// scraped (Linux only; elsewhere the gauges stay unset). The names are the ones Prometheus's own
/// client libraries use, so standard dashboards find them.
struct ProcessMetrics: Sendable {
    private let residentMemory: Gauge
    private let openFDs: Gauge

    init(factory: any MetricsFactory) {
        residentMemory = Gauge(label: "process_resident_memory_bytes", factory: factory)
        openFDs = Gauge(label: "process_open_fds", factory: factory)
    }

    func update() {
        if let rss = Self.residentBytes() { residentMemory.record(rss) }
        if let fds = Self.openFileDescriptors() { openFDs.record(fds) }
    }

    /// The second field of /proc/self/statm (resident pages) times the page size.
    static func residentBytes() -> Int64? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return nil }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Entries of /proc/self/fd, less the one the listing itself holds open.
    static func openFileDescriptors() -> Int64? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        return Int64(max(names.count - 1, 0))
    }
}
