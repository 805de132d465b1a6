// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "cairn",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cairn", targets: ["cairn"]),
        .executable(name: "cairn-fuzz", targets: ["cairn-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/CoreOffice/XMLCoder.git", from: "0.18.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Value types every layer shares: names, ids, ETags, the S3 error table.
        .target(name: "CairnModel"),
        // C kernels no Swift package here provides: CRC32C, CRC64NVME, CRC32 folding, MD5+SHA-256 in
        // one stitched pass. Always optimised: the tests (a debug build) exercise this exact code,
        // and unoptimised it is ~5x slower than the swift-crypto path it replaces.
        .target(name: "CCairnHashing", cSettings: [.unsafeFlags(["-O2"])], linkerSettings: [.linkedLibrary("z")]),
        // Debian's libxxhash (XXHASH64 / XXHASH3 / XXHASH128 checksums); apt install libxxhash-dev.
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"]), .brew(["xxhash"])]),
        // Debian's SQLite for the embedded metadata store (why not sqlite-nio: SQLiteConnection.swift).
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        // One streaming pass computing MD5 + SHA-256 + the requested checksums.
        .target(name: "CairnHashing", dependencies: [
            "CairnModel", "CCairnHashing", "CXXHash",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // SigV4 signing and verification, pure functions over canonical requests.
        .target(name: "CairnSigV4", dependencies: [
            "CairnModel",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Pure authorization: (principal, action, resource, bucket owner) -> allow / deny.
        .target(name: "CairnPolicy", dependencies: ["CairnModel"]),
        // S3 wire protocol: endpoint parsing, XML bodies, error XML, ranges, dates.
        .target(name: "CairnProtocol", dependencies: [
            "CairnModel", "CairnPolicy",
            .product(name: "XMLCoder", package: "XMLCoder"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The core: bucket / object / multipart services over small store protocols.
        .target(name: "CairnStorage", dependencies: [
            "CairnModel", "CairnHashing", .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Linux/glibc bits Swift's Glibc does not import (O_DIRECT, mallopt).
        .target(name: "CCairnPOSIX"),
        .target(name: "CairnStorageFS", dependencies: [
            "CairnStorage", "CairnHashing", "CairnModel", "CCairnPOSIX",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "_NIOFileSystem", package: "swift-nio"),
        ]),
        .target(name: "CairnMetadataSQLite", dependencies: [
            "CairnStorage", "CSQLite3",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),  // WALGroupSync's thread
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        // The same MetadataStore on PostgreSQL, for several nodes over one database.
        .target(name: "CairnMetadataPostgres", dependencies: [
            "CairnModel", "CairnStorage",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            // Only for the type of the pool's errors (ConnectionPoolError), which PostgresClient throws as they are.
            .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "CairnServer", dependencies: [
            "CairnModel", "CairnPolicy", "CairnProtocol", "CairnSigV4", "CairnStorage", "CairnHashing", "CCairnPOSIX",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),  // HTTPParserError (HTTPParseErrorHandler)
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ],
        // The web console's files, compiled into the binary as byte arrays (`PackageResources`):
        // the one `cairn` file an operator copies carries its console (`Bundle.module` would look
        // for a resource folder next to it). `ConsoleAssets.files` names each one.
        resources: ["index.html", "console.css", "app.js", "dom.js", "sigv4.js", "s3.js", "admin.js", "upload.js",
                    "page-buckets.js", "page-objects.js", "page-uploads.js", "page-users.js", "page-metrics.js"]
            .map { .embedInCode("Console/Assets/\($0)") }),
        // The S3 client: config/credentials resolution, signed requests, XML parsing, aws-CLI output.
        .target(name: "CairnClient", dependencies: [
            "CairnModel", "CairnSigV4", "CairnHashing",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ], exclude: ["Model/generate_model.py"],
        // botocore's S3 model slice (generate_model.py), compiled into the binary as bytes.
        resources: [.embedInCode("Model/s3-model.json")]),
        .target(name: "CairnCLI", dependencies: [
            "CairnServer", "CairnStorageFS", "CairnMetadataSQLite", "CairnMetadataPostgres", "CairnHashing", "CairnClient",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "cairn", dependencies: ["CairnCLI"]),
        // Fuzz targets for every parser that sees client bytes (scripts/fuzz; RELIABILITY.md). Built
        // normally it replays corpora; with -D CAIRN_LIBFUZZER and -sanitize=fuzzer it fuzzes.
        .target(name: "CCairnFuzz"),
        .executableTarget(name: "cairn-fuzz", dependencies: [
            "CairnModel", "CairnPolicy", "CairnProtocol", "CairnSigV4", "CCairnFuzz",
            .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Sources/CairnFuzz"),
        .testTarget(name: "CairnTests", dependencies: [
            "CairnModel", "CairnHashing", "CairnSigV4", "CairnProtocol", "CairnPolicy", "CairnStorage", "CairnStorageFS", "CairnMetadataSQLite", "CairnMetadataPostgres", "CairnClient",
            "CairnServer",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
    ]
)
