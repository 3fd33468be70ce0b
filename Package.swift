// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "unioncard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "unioncardd", targets: ["unioncardd"]),
        .executable(name: "unioncardctl", targets: ["unioncardctl"]),
        .library(name: "UnionCardCore", targets: ["UnionCardCore"]),
    ],
    targets: [
        // C libraries from Debian -dev packages.
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // Thin, typed Swift faces of the C libraries; they know nothing of unions.
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD"]),
        // glibc's mallopt, which Swift's Glibc module does not expose.
        .target(name: "CMallocTuning"),
        .target(name: "PostgresClient", dependencies: ["CLibPQ"]),

        // The pure domain and the SQL side.
        .target(name: "UnionCardCore"),
        .target(name: "UnionCardStore", dependencies: ["PostgresClient", "UnionCardCore"]),

        // The executables wire the modules together.
        .executableTarget(
            name: "unioncardd",
            dependencies: ["HTTPServer", "UnionCardCore", "UnionCardStore", "CMallocTuning"]
        ),
        .executableTarget(
            name: "unioncardctl",
            dependencies: ["PostgresClient", "UnionCardCore", "UnionCardStore"]
        ),

        // Throwaway PostgreSQL clusters and child processes for the integration tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "UnionCardCoreTests", dependencies: ["UnionCardCore"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "PostgresClientTests", dependencies: ["PostgresClient", "TestSupport"]),
        .testTarget(
            name: "UnionCardStoreTests",
            dependencies: ["UnionCardStore", "UnionCardCore", "PostgresClient", "TestSupport"]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
