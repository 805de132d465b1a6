@testable import CairnClient
import Foundation
import Testing

@Suite("cairn bench")
struct BenchTests {
    @Test("Percentiles are nearest-rank: a value that was measured, never interpolated")
    func percentiles() {
        let v = Array(UInt64(1)...100)
        #expect(Percentile.of(v, 50) == 50)
        #expect(Percentile.of(v, 90) == 90)
        #expect(Percentile.of(v, 99) == 99)
        #expect(Percentile.of(v, 100) == 100)
        #expect(Percentile.of([UInt64](), 50) == 0)
        #expect(Percentile.of([UInt64(7)], 99) == 7)
        // 4 samples: p50 is the 2nd, p90 and p99 the 4th (ceil(0.9 * 4) = 4).
        let four: [UInt64] = [10, 20, 30, 40]
        #expect(Percentile.of(four, 50) == 20)
        #expect(Percentile.of(four, 90) == 40)
        #expect(Percentile.of(four, 0) == 10)
    }

    @Test("A size is fixed (16KiB) or a MIN-MAX range; bad text is rejected")
    func sizeParsing() throws {
        #expect(try SizeDistribution.parse("16KiB") == SizeDistribution(min: 16384, max: 16384))
        #expect(try SizeDistribution.parse("4KiB-1MiB") == SizeDistribution(min: 4096, max: 1_048_576))
        #expect(try SizeDistribution.parse("1000-2KB") == SizeDistribution(min: 1000, max: 2000))
        #expect(try SizeDistribution.parse("0") == SizeDistribution(min: 0, max: 0))
        #expect(try SizeDistribution.parse("1.5MiB").min == 1_572_864)
        for bad in ["", "abc", "1MiB-", "-1MiB", "2MiB-1MiB", "1-2-3", "12QB"] {
            #expect(throws: ClientFailure.self, "\(bad)") { try SizeDistribution.parse(bad) }
        }
    }

    @Test("A size range draws within its bounds, on a log scale (each doubling about equally often)")
    func sizeSampling() {
        let d = SizeDistribution(min: 1024, max: 1 << 20)  // 10 doublings
        var g = UTCDateTests.Seeded(state: 42)  // seeded, so the distribution check cannot flake
        var below32KiB = 0
        for _ in 0..<10_000 {
            let s = d.sample(using: &g)
            #expect(s >= 1024 && s <= 1 << 20)
            if s < 32 * 1024 { below32KiB += 1 }
        }
        // 5 of the 10 doublings lie below 32 KiB: about half, where a uniform draw gives ~3 %.
        #expect((4500...5500).contains(below32KiB))
        #expect(SizeDistribution(min: 5, max: 5).sample(using: &g) == 5)
    }

    @Test("The mixed scheduler deals each operation exactly its weight in every round of the weights' sum")
    func mixedRatios() throws {
        var s = try MixedScheduler(MixWeights(get: 45, put: 15, stat: 30, delete: 10))
        for _ in 0..<3 {
            var counts: [BenchOperation: Int] = [:]
            for _ in 0..<100 { counts[s.next(), default: 0] += 1 }
            #expect(counts == [.getObject: 45, .putObject: 15, .headObject: 30, .deleteObject: 10])
        }
        // Spread evenly: with 1:1 no operation comes twice in a row.
        var even = try MixedScheduler(MixWeights(get: 1, put: 1, stat: 0, delete: 0))
        let seq = (0..<6).map { _ in even.next() }
        #expect(seq == [.getObject, .putObject, .getObject, .putObject, .getObject, .putObject])
        var only = try MixedScheduler(MixWeights(get: 0, put: 0, stat: 3, delete: 0))
        let onlyStat = (0..<5).map { _ in only.next() }
        #expect(onlyStat == Array(repeating: .headObject, count: 5))
        #expect(throws: ClientFailure.self) { try MixedScheduler(MixWeights(get: 0, put: 0, stat: 0, delete: 0)) }
        #expect(throws: ClientFailure.self) { try MixedScheduler(MixWeights(get: -1, put: 2, stat: 0, delete: 0)) }
    }

    @Test("--autoterm stops only when a full window of rates lies within the tolerance of its mean")
    func autoterm() {
        var a = AutoTerm(window: 3, tolerancePercent: 10)
        // 100, 200, 100: mean 133, 200 is 50 % off; then 200, 100, 105; then 100, 105, 98: all
        // within 10 % of 101.
        let stops = [100.0, 200, 100, 105, 98].map { a.add($0) }
        #expect(stops == [false, false, false, false, true])
        var zero = AutoTerm(window: 2, tolerancePercent: 10)
        let zeroStops = [0.0, 0, 0].map { zero.add($0) }
        #expect(zeroStops == [false, false, false])
    }

    @Test("/proc stat and status give CPU milliseconds and VmHWM, even with spaces and ')' in the name")
    func procParsing() throws {
        let stat = "4242 (cairn) x)) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 50 0 0 20 0 9 0 100 1000000 500"
        let status = "Name:\tcairn\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\n"
        let s = try #require(ProcessStats.parse(stat: stat, status: status, ticksPerSecond: 100))
        #expect(s.cpuMs == 3000)  // (250 + 50) ticks at 100 per second
        #expect(s.peakRSSBytes == 20480 * 1024)
        #expect(s.rssBytes == 10240 * 1024)
        #expect(ProcessStats.parse(stat: "garbage", status: status, ticksPerSecond: 100) == nil)
        #expect(ProcessStats.read(pid: getpid())!.cpuMs >= 0)
    }

    @Test("The report: rates over the run's seconds, percentiles per operation, a total row, JSON in snake_case")
    func reportFormatting() throws {
        var config = BenchConfig(workload: .mixed, bucket: "b")
        config.concurrency = 4
        config.sizes = SizeDistribution(min: 1000, max: 1000)
        var get = OperationSamples()
        get.latenciesNs = (1...100).map { UInt64($0) * 1_000_000 }  // 1..100 ms
        get.bytes = 100_000
        var put = OperationSamples()
        put.latenciesNs = [5_000_000]
        put.bytes = 1000
        put.errors = 2
        put.firstError = "boom"
        let r = BenchReport(config: config, endpoint: "http://h:1", prefix: "p/", seconds: 2, stoppedBy: .count,
                            samples: [.putObject: put, .getObject: get])
        #expect(r.operations.map(\.operation) == ["PutObject", "GetObject"])
        let g = r.operations[1]
        #expect(g.count == 100 && g.opsPerSecond == 50 && g.mbPerSecond == 0.05)
        #expect(g.latency == LatencySummary(sortedNs: get.latenciesNs))
        #expect(g.latency.p50Ms == 50 && g.latency.p90Ms == 90 && g.latency.p99Ms == 99 && g.latency.maxMs == 100)
        #expect(r.total.count == 101 && r.total.errors == 2 && r.total.bytes == 101_000)
        let table = r.table()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0] == "mixed on http://h:1 bucket b, 4 workers, 1000 B, 2.00 s (stopped by count)")
        #expect(lines[1] == "Operation  Count  Ops/s  MB/s  p50 ms  p90 ms  p99 ms  max ms  Errors")
        #expect(lines[2] == "PutObject      1    0.5  0.00    5.00    5.00    5.00    5.00       2")
        #expect(lines[3] == "GetObject    100   50.0  0.05   50.00   90.00   99.00  100.00       0")
        #expect(lines[4] == "Total        101   50.5  0.05   50.00   90.00   99.00  100.00       2")
        #expect(lines[5] == "first PutObject error: boom")
        let json = try JSONSerialization.jsonObject(with: Data(try r.json().utf8)) as! [String: Any]
        #expect(json["stopped_by"] as? String == "count")
        let ops = json["operations"] as! [[String: Any]]
        #expect(ops[1]["ops_per_second"] as? Double == 50)
        #expect((ops[1]["latency"] as! [String: Any])["p99_ms"] as? Double == 99)
    }

    @Test("Bodies are slices of one generated buffer: same bytes for the same size, no copy")
    func payload() {
        let p = BenchPayload(size: 100)
        guard case .buffer(let a) = p.body(10), case .buffer(let b) = p.body(100) else {
            Issue.record("not a buffer body")
            return
        }
        #expect(a.readableBytes == 10 && b.readableBytes == 100)
        #expect(Array(a.readableBytesView) == Array(b.readableBytesView.prefix(10)))
        #expect(Set(b.readableBytesView).count > 50)  // not a constant fill
    }
}
