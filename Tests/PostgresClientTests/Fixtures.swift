import Foundation
import PostgresClient
import Synchronization
import TestSupport

/// A fresh database in the shared test cluster, and a connection string for it.
func freshDatabase(_ prefix: String) throws -> (cluster: TemporaryPostgres, conninfo: String) {
    let cluster = try TemporaryPostgres.shared()
    let database = try cluster.createDatabase(prefix: prefix)
    return (cluster, cluster.conninfo(database: database))
}

/// A connection to a fresh database.
func freshConnection(_ prefix: String) throws -> PostgresConnection {
    try PostgresConnection(conninfo: freshDatabase(prefix).conninfo)
}

/// Runs `body(index)` on `count` new threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

/// Seconds taken by `body`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Collects values from several threads.
final class Collector<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) {
        values.withLock { $0.append(value) }
    }

    var all: [Value] {
        values.withLock { $0 }
    }
}

/// Runs `body` and returns the PostgresError it throws, nil when it throws none (or another error).
func postgresError<T>(_ body: () throws -> T) -> PostgresError? {
    do {
        _ = try body()
        return nil
    } catch let error as PostgresError {
        return error
    } catch {
        return nil
    }
}
