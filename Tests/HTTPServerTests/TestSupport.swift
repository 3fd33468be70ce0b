import HTTPServer
import Synchronization
import Testing

/// Collects the requests a handler saw, for assertions after the response arrived.
final class RequestRecorder: Sendable {
    private let requests = Mutex<[HTTPRequest]>([])

    /// Records a request.
    func record(_ request: HTTPRequest) {
        requests.withLock { $0.append(request) }
    }

    /// Everything recorded so far.
    var all: [HTTPRequest] { requests.withLock { $0 } }

    /// The most recent request.
    var last: HTTPRequest? { requests.withLock { $0.last } }
}

/// A configuration for tests: loopback, OS-picked port, a small pool.
func testConfiguration(_ adjust: (inout HTTPServerConfiguration) -> Void = { _ in })
    -> HTTPServerConfiguration
{
    var configuration = HTTPServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.threadPoolSize = 2
    configuration.connectionTimeoutSeconds = 10
    adjust(&configuration)
    return configuration
}

/// Starts a server, runs `body` with it, and stops it again.
func withServer(
    _ configuration: HTTPServerConfiguration = testConfiguration(),
    handler: @escaping HTTPHandler,
    _ body: (HTTPServer) throws -> Void
) throws {
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    defer { server.stop() }
    try body(server)
}

/// Deterministic pseudo-random bytes (every byte value occurs) so failures are reproducible.
func patternBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

extension String {
    /// The UTF-8 bytes.
    var bytes: [UInt8] { Array(utf8) }
}

/// Records an issue when the bytes differ, naming lengths and the first difference rather than
/// printing kilobytes of bytes (which `#expect(a == b)` would).
func expectSameBytes(
    _ actual: [UInt8], _ expected: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual != expected else { return }
    let firstDifference =
        zip(actual.indices, zip(actual, expected)).first { $0.1.0 != $0.1.1 }?.0
        ?? min(actual.count, expected.count)
    Issue.record(
        "bytes differ: \(actual.count) vs \(expected.count) bytes, first difference at \(firstDifference)",
        sourceLocation: sourceLocation)
}
