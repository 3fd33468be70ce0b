import Foundation
import TestSupport
import Testing

@Suite struct TestSupportTests {
    @Test func runProcessCapturesOutputStatusAndStdin() throws {
        let output = try runProcess(
            "/bin/sh", ["-c", "cat; echo \"to stderr $EXTRA\" >&2; exit 3"], environment: ["EXTRA": "yes"],
            stdin: Array("xin chào\n".utf8))
        #expect(output.status == 3)
        #expect(output.stdout == "xin chào\n")
        #expect(output.stderr == "to stderr yes\n")
        let big = try runProcess("/bin/sh", ["-c", "wc -c"], stdin: [UInt8](repeating: 65, count: 1_000_000))
        #expect(big.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1000000")
    }

    @Test func runProcessTimesOut() {
        var thrown: Error?
        let elapsed = seconds {
            do {
                _ = try runProcess("/bin/sleep", ["30"], timeoutSeconds: 0.5)
            } catch {
                thrown = error
            }
        }
        #expect(thrown != nil)
        #expect(elapsed < 5)
    }

    @Test func backgroundProcessStreamsStderrAndTerminates() throws {
        let process = try BackgroundProcess(
            "/bin/sh", ["-c", "echo starting >&2; sleep 0.2; echo 'listening on 1234' >&2; exec sleep 60"])
        let line = process.waitForStderr(containing: "listening", timeoutSeconds: 10)
        #expect(line == "listening on 1234")
        #expect(process.stderrSoFar.hasPrefix("starting\n"))
        #expect(process.waitForStderr(containing: "never", timeoutSeconds: 0.2) == nil)
        #expect(process.exitStatus == nil)
        let status = process.terminate()
        #expect(status == 128 + SIGTERM)
        #expect(process.exitStatus == 128 + SIGTERM)
    }

    @Test func backgroundProcessThatExitsStopsTheWait() throws {
        let process = try BackgroundProcess("/bin/sh", ["-c", "echo bye >&2; exit 4"])
        var line: String?
        let elapsed = seconds { line = process.waitForStderr(containing: "never", timeoutSeconds: 20) }
        #expect(line == nil)
        #expect(elapsed < 10)
        #expect(process.terminate() == 4)
    }

    @Test func sharedClusterAnswersPsql() throws {
        let cluster = try TemporaryPostgres.shared()
        #expect(try TemporaryPostgres.shared() === cluster)
        let database = try cluster.createDatabase(prefix: "Psql-Check!")
        #expect(database.hasPrefix("psqlcheck_"))
        let output = try cluster.psql(
            "CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'một'), (2, NULL); SELECT * FROM t ORDER BY a;",
            database: database)
        #expect(output == "1|một\n2|")
        #expect(throws: (any Error).self) { try cluster.psql("SELECT nonsense", database: database) }
        #expect(try cluster.psql("SHOW server_encoding", database: database) == "UTF8")
        #expect(try cluster.psql("SHOW fsync", database: database) == "off")
    }

    @Test func buildProductsPointsNextToTheTestBundle() {
        let path = BuildProducts.path(of: "unioncardd")
        #expect(path.hasSuffix("/unioncardd"))
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        #expect(
            contents.contains { $0.hasSuffix(".xctest") }
                || ProcessInfo.processInfo.environment["UNIONCARD_BIN_DIR"] != nil)
    }
}
