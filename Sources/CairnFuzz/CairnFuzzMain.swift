#if CAIRN_LIBFUZZER
import CCairnFuzz
#endif
import Foundation

/// `cairn-fuzz`: the fuzz targets of FuzzTargets.swift.
///
/// Built normally (as `swift build` does), it replays inputs: `cairn-fuzz TARGET FILE|DIR...`
/// runs every file through the target, so the committed corpora are a regression test in the
/// ordinary debug build (tests/integration/test_fuzz_corpora.py). Built by scripts/fuzz with
/// `-sanitize=fuzzer,address -D CAIRN_LIBFUZZER`, it hands its arguments to libFuzzer and fuzzes
/// the target named by $CAIRN_FUZZ_TARGET.
@main
struct CairnFuzzMain {
    static func main() {
        #if CAIRN_LIBFUZZER
        guard let name = ProcessInfo.processInfo.environment["CAIRN_FUZZ_TARGET"], let target = FuzzTargets.all[name] else {
            fail("set CAIRN_FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
        }
        selected = target
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzTargets.run(CairnFuzzMain.selected!, data, size)
            return 0
        })
        #else
        let args = CommandLine.arguments.dropFirst()
        guard let name = args.first, let target = FuzzTargets.all[name] else {
            fail("usage: cairn-fuzz TARGET FILE|DIR...  (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", ")))")
        }
        var count = 0
        for path in args.dropFirst() {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
                target([UInt8](data))
                count += 1
            }
        }
        print("\(name): \(count) inputs, no crash")
        #endif
    }

    nonisolated(unsafe) static var selected: (@Sendable ([UInt8]) -> Void)?

    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("no such file: \(path)") }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { "\(path)/\($0)" }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}

extension FuzzTargets {
    static func run(_ target: @Sendable ([UInt8]) -> Void, _ data: UnsafePointer<UInt8>?, _ size: Int) {
        guard let data else { return target([]) }
        target(Array(UnsafeBufferPointer(start: data, count: size)))
    }
}
