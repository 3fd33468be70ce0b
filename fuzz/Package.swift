// swift-tools-version:6.0
// The libFuzzer target for the request parsing path of UnionCardCore. Build it with the
// sanitizers on every module (so the parsers are instrumented too), as `make fuzz-smoke` does:
//   swift build -Xswiftc -sanitize=fuzzer,address
import PackageDescription

let package = Package(
    name: "unioncard-fuzz",
    dependencies: [.package(name: "unioncard", path: "..")],
    targets: [
        .executableTarget(
            name: "RequestParsingFuzzer",
            dependencies: ["CLibFuzzer", .product(name: "UnionCardCore", package: "unioncard")]
        ),
        .target(name: "CLibFuzzer"),
    ],
    swiftLanguageModes: [.v6]
)
