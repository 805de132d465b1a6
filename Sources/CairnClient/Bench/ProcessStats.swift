import Foundation

/// CPU time and memory of a (server) process from Linux's /proc, read before and after the
/// measured phase so the report can give the server's CPU per request.
public struct ProcessStats: Sendable, Equatable {
    /// User + system CPU time, in milliseconds.
    public var cpuMs: Double
    /// Peak resident set size (VmHWM), in bytes.
    public var peakRSSBytes: Int64
    /// Current resident set size (VmRSS), in bytes.
    public var rssBytes: Int64

    /// Reads /proc/PID/stat and /proc/PID/status; nil when the process is gone or this is not Linux.
    public static func read(pid: Int32) -> ProcessStats? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return parse(stat: stat, status: status, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Parses the two files' text (split out for tests).
    public static func parse(stat: String, status: String, ticksPerSecond: Double) -> ProcessStats? {
        // The command name (field 2) is in parentheses and may hold spaces or ')': fields are
        // counted from the last ')'. utime and stime are fields 14 and 15.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]), ticksPerSecond > 0 else { return nil }
        func kB(_ name: String) -> Int64 {
            for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
                let value = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
                return (value.flatMap { Int64($0) } ?? 0) * 1024
            }
            return 0
        }
        return ProcessStats(cpuMs: (utime + stime) / ticksPerSecond * 1000, peakRSSBytes: kB("VmHWM"), rssBytes: kB("VmRSS"))
    }
}
