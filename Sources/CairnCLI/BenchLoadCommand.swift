import ArgumentParser
import CairnClient
import Foundation

extension BenchWorkload: ExpressibleByArgument {}

/// `cairn bench WORKLOAD`: a warp-style S3 load generator against any endpoint (Cairn, moto, AWS),
/// so that what is measured is the server and not a Python client. The work is in
/// CairnClient/Bench; this is the command line.
struct BenchLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load an S3 endpoint: put, get, mixed, multipart, list, stat or delete (ops/s, MB/s, latency percentiles).",
        discussion: """
        Runs --concurrency workers for --duration or --count requests, then prints a table (or --json)
        per operation: ops/s, MB/s, latency p50/p90/p99/max, errors. Objects the workload reads are
        uploaded before the clock starts; everything the run created is deleted afterwards (the bucket
        too if the run created it) unless --noclear. Requests are not retried. Ctrl-C ends the run
        early and still reports and cleans up (a second Ctrl-C quits at once). Exit status 1 when any
        request or the cleanup failed.
        """)

    @Argument(help: "put, get, mixed, multipart, list, stat or delete.") var workload: BenchWorkload

    @Option(help: "The bucket (created if missing, and then deleted afterwards).") var bucket = "cairn-bench"
    @Option(help: "Key prefix; each run adds its own random 8-hex-digit folder under it.") var prefix = "cairn-bench/"
    @Option(help: "Requests in flight at once.") var concurrency = 16
    @Option(help: "How long the measured phase runs, e.g. 30s, 2m, 500ms (default 10s unless --count).") var duration: String?
    @Option(help: "Stop after this many requests (with --duration: whichever comes first).") var count: Int?
    @Option(name: .customLong("obj-size"), help: "Object size, e.g. 16KiB, or a range MIN-MAX, e.g. 4KiB-1MiB, drawn log-uniformly per PUT.")
    var objSize = "1MiB"
    @Option(name: .customLong("part-size"), help: "multipart: the size of each part.") var partSize = "5MiB"
    @Option(help: "multipart: parts per upload before the next upload starts.") var parts = 100
    @Option(help: "get, stat, list, mixed: objects uploaded before the clock starts (delete: at least --count).") var objects = 100
    @Option(help: "mixed: weight of GetObject.") var get = 45
    @Option(help: "mixed: weight of PutObject.") var put = 15
    @Option(help: "mixed: weight of HeadObject.") var stat = 30
    @Option(help: "mixed: weight of DeleteObject.") var delete = 10
    @Flag(help: "Stop once throughput is stable: the last --autoterm-dur seconds all within --autoterm-pct of their mean.") var autoterm = false
    @Option(name: .customLong("autoterm-dur"), help: "--autoterm's window.") var autotermDur = "10s"
    @Option(name: .customLong("autoterm-pct"), help: "--autoterm's tolerance, in percent.") var autotermPct = 7.5
    @Flag(help: "Keep the objects, uploads and bucket the run created.") var noclear = false
    @Option(name: .customLong("server-pid"), help: "Linux: the server's process id, to report its CPU per request and peak RSS.") var serverPid: Int32?
    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(name: .customLong("no-progress"), help: "No live line even on a terminal.") var noProgress = false

    @OptionGroup var client: ClientOptions

    /// `500ms`, `30s`, `2m`, `1h` or plain seconds.
    static func parseDuration(_ s: String) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (u, m) in units where s.hasSuffix(u) {
            if let v = Double(s.dropLast(u.count)), v > 0 { return v * m }
        }
        guard let v = Double(s), v > 0 else { throw ValidationError("invalid duration: \(s) (e.g. 30s, 2m, 500ms)") }
        return v
    }

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        guard objects >= 1, parts >= 1 else { throw ValidationError("--objects and --parts must be at least 1") }
        guard (1...10_000).contains(parts) else { throw ValidationError("--parts must be 1 to 10000 (S3's part numbers)") }
        guard [get, put, stat, delete].allSatisfy({ $0 >= 0 }) && get + put + stat + delete > 0 else {
            throw ValidationError("--get, --put, --stat, --delete must be >= 0 and not all 0")
        }
        _ = try benchConfig()
    }

    func benchConfig() throws -> BenchConfig {
        var c = BenchConfig(workload: workload, bucket: bucket)
        c.prefix = prefix
        c.concurrency = concurrency
        c.count = count
        c.duration = try duration.map(Self.parseDuration) ?? (count == nil ? 10 : nil)
        do { c.sizes = try SizeDistribution.parse(objSize) } catch { throw ValidationError("--obj-size: \(error)") }
        guard let ps = ByteCount.parse(partSize), ps > 0 else { throw ValidationError("invalid --part-size: \(partSize)") }
        c.partSize = ps
        c.partsPerUpload = parts
        c.objects = objects
        c.mix = MixWeights(get: get, put: put, stat: stat, delete: delete)
        if autoterm {
            c.autoterm = AutoTerm(window: Int(try Self.parseDuration(autotermDur).rounded(.up)), tolerancePercent: autotermPct)
        }
        c.noClear = noclear
        c.serverPID = serverPid
        c.progress = !noProgress
        return c
    }

    func run() async throws {
        var config = try client.resolve()
        config.maxAttempts = 1  // a retry would hide an error and add its attempts into one latency
        let s3 = S3Client(config: config, connectionsPerHost: concurrency)
        var code: Int32 = 0
        do {
            let runner = try BenchRunner(config: try benchConfig(), client: s3)
            // Ctrl-C or SIGTERM ends the measured phase, and the results and the cleanup still
            // follow: an interrupted load generator should not leave thousands of objects behind.
            // A second signal quits at once (a cleanup that hangs can still be left).
            let signals = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig)
                source.setEventHandler { if runner.interrupt() > 1 { Foundation.exit(130) } }
                source.resume()
                return source
            }
            defer { signals.forEach { $0.cancel() } }
            let report = try await runner.run()
            print(try json ? report.json() : report.table(), terminator: json ? "\n" : "")
            if report.total.errors > 0 || report.cleanupError != nil { code = 1 }
        } catch {
            code = ClientOptions.report(error, operation: "bench")
        }
        await s3.shutdown()
        if code != 0 { throw ExitCode(code) }
    }
}
