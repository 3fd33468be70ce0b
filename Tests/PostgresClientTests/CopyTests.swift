import PostgresClient
import Testing

private struct StopWriting: Error {}

@Suite struct CopyTests {
    @Test func copiesOneHundredThousandRows() throws {
        let connection = try freshConnection("copy")
        try connection.simpleQuery("CREATE TABLE members (id int PRIMARY KEY, name text, note text)")
        let total = 100_000
        let copied = try connection.copyIn("COPY members (id, name, note) FROM STDIN") { send in
            var chunk: [UInt8] = []
            for id in 1...total {
                // Unicode, a tab escape and NULL (\N) on the way.
                let note = id % 10 == 0 ? "\\N" : "ghi\\tchú \(id)"
                chunk += Array("\(id)\tNguyễn Văn \(id)\t\(note)\n".utf8)
                if chunk.count > 60_000 {
                    try send(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            try send(chunk)
        }
        #expect(copied == total)
        let summary = try connection.query(
            "SELECT count(*), sum(id), count(note), max(name) FILTER (WHERE id = 7), max(note) FILTER (WHERE id = 7) FROM members"
        ).rows[0]
        #expect(try summary.decode(Int.self, at: 0) == total)
        #expect(try summary.decode(Int64.self, at: 1) == Int64(total * (total + 1) / 2))
        #expect(try summary.decode(Int.self, at: 2) == total - total / 10)
        #expect(summary[3] == "Nguyễn Văn 7")
        #expect(summary[4] == "ghi\tchú 7")
    }

    @Test func badRowFailsTheWholeCopyAndTheTransaction() throws {
        let connection = try freshConnection("copybad")
        try connection.simpleQuery("CREATE TABLE members (id int PRIMARY KEY, name text)")
        try connection.simpleQuery("CREATE TABLE other (id int)")
        let error = postgresError {
            try connection.transaction { connection in
                _ = try connection.query("INSERT INTO other VALUES (1)")
                return try connection.copyIn("COPY members FROM STDIN") { send in
                    for id in 1...5_000 {
                        let idText = id == 2_500 ? "not-a-number" : String(id)
                        try send(Array("\(idText)\tname\n".utf8))
                    }
                }
            }
        }
        #expect(error?.code == .copyFailed)
        #expect(error?.sqlState == "22P02")
        #expect(error?.description.contains("not-a-number") == false)
        #expect(
            try connection.query("SELECT (SELECT count(*) FROM members) + (SELECT count(*) FROM other)").rows[
                0][0] == "0")
        #expect(connection.isIdleOutsideTransaction)

        // A duplicate key is only found at the end: still nothing is loaded.
        let duplicate = postgresError {
            try connection.copyIn("COPY members FROM STDIN") { send in
                try send(Array("1\ta\n2\tb\n1\tc\n".utf8))
            }
        }
        #expect(duplicate?.sqlState == "23505")
        #expect(try connection.query("SELECT count(*) FROM members").rows[0][0] == "0")
    }

    @Test func errorThrownWhileWritingAbortsTheCopyAndIsRethrown() throws {
        let connection = try freshConnection("copyabort")
        try connection.simpleQuery("CREATE TABLE members (id int)")
        #expect(throws: StopWriting.self) {
            try connection.copyIn("COPY members FROM STDIN") { send in
                try send(Array("1\n2\n".utf8))
                throw StopWriting()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM members").rows[0][0] == "0")
        #expect(!connection.isBroken)
        #expect(try connection.copyIn("COPY members FROM STDIN") { send in try send(Array("5\n".utf8)) } == 1)
    }

    @Test func copyStatementThatIsNotCopyIn() throws {
        let connection = try freshConnection("copynot")
        let error = postgresError { try connection.copyIn("SELECT 1") { _ in } }
        #expect(error?.code == .unexpectedResult)
        let missing = postgresError { try connection.copyIn("COPY missing FROM STDIN") { _ in } }
        #expect(missing?.code == .copyFailed)
        #expect(missing?.sqlState == "42P01")
        #expect(try connection.query("SELECT 1").rows.count == 1)
    }
}
