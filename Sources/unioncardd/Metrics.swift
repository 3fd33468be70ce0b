import Foundation
import Synchronization

/// Counters and histograms for `GET /metrics`, in Prometheus' text exposition format (0.0.4).
///
/// Label values come from small fixed sets (routes, status codes, outcome and reason codes),
/// never from request data, so the series stay few and carry no personal data.
final class Metrics: Sendable {
    /// A histogram's cumulative buckets, sum and count.
    private struct Histogram {
        let bounds: [Double]
        var counts: [UInt64]
        var sum = 0.0
        var count: UInt64 = 0

        init(bounds: [Double]) {
            self.bounds = bounds
            counts = Array(repeating: 0, count: bounds.count)
        }

        mutating func observe(_ value: Double) {
            for index in bounds.indices where value <= bounds[index] { counts[index] += 1 }
            sum += value
            count += 1
        }
    }

    private struct State {
        var counters: [String: [String: UInt64]] = [:]  // family → rendered labels → value
        var histograms: [String: Histogram] = [:]
    }

    private let state = Mutex(State())
    private let gauges = Mutex<[(name: String, labels: String, help: String, read: @Sendable () -> Double)]>(
        [])
    private let help: [String: (type: String, text: String)] = [
        "unioncard_http_requests_total": ("counter", "HTTP requests answered, by route and status."),
        "unioncard_lookups_total": ("counter", "Lookups evaluated or refused, by outcome and reason."),
        "unioncard_http_request_duration_seconds": ("histogram", "Time from request to answer."),
        "unioncard_lookup_batch_size": (
            "histogram", "Lookups per committed batch (one card query, one audit INSERT)."
        ),
        "unioncard_audit_batches_failed_total": ("counter", "Batches whose commit failed (answered 503)."),
        "unioncard_registry_reloads_total": ("counter", "In-memory registry reloads, by trigger."),
        "unioncard_keys_locked_total": ("counter", "Keys locked for enumerating unknown codes."),
    ]

    init() {
        state.withLock { state in
            state.histograms["unioncard_http_request_duration_seconds"] = Histogram(
                bounds: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
            state.histograms["unioncard_lookup_batch_size"] = Histogram(bounds: [1, 2, 4, 8, 16, 32, 64, 128])
        }
    }

    /// Adds `amount` to a counter series.
    func increment(_ name: String, _ labels: KeyValuePairs<String, String> = [:], by amount: UInt64 = 1) {
        let rendered = Self.render(labels)
        state.withLock { $0.counters[name, default: [:]][rendered, default: 0] += amount }
    }

    /// Records one observation in a histogram declared in `init`.
    func observe(_ name: String, _ value: Double) {
        state.withLock { $0.histograms[name]?.observe(value) }
    }

    /// Everything one answered request adds, under a single acquisition of the lock: the request
    /// counter, the latency histogram and, for a lookup, its result. Every HTTP thread comes here
    /// once per request, so three separate acquisitions contended measurably under load.
    func recordRequest(route: String, status: Int, seconds: Double, lookupResult: String?) {
        let requestLabels = Self.render(["route": route, "status": String(status)])
        let lookupLabels = lookupResult.map { Self.render(["result": $0]) }
        state.withLock { state in
            state.counters["unioncard_http_requests_total", default: [:]][requestLabels, default: 0] += 1
            state.histograms["unioncard_http_request_duration_seconds"]?.observe(seconds)
            if let lookupLabels {
                state.counters["unioncard_lookups_total", default: [:]][lookupLabels, default: 0] += 1
            }
        }
    }

    /// `a="x",b="y"`: label values are fixed codes, never request data, so none needs escaping.
    private static func render(_ labels: KeyValuePairs<String, String>) -> String {
        var text = ""
        for (key, value) in labels {
            if !text.isEmpty { text += "," }
            text += key + "=\"" + value + "\""
        }
        return text
    }

    /// Registers a gauge read at scrape time.
    func gauge(
        _ name: String, labels: KeyValuePairs<String, String> = [:], help: String,
        _ read: @escaping @Sendable () -> Double
    ) {
        let rendered = Self.render(labels)
        gauges.withLock { $0.append((name, rendered, help, read)) }
    }

    /// The exposition text.
    func render() -> String {
        let snapshot = state.withLock { $0 }
        var text = ""
        for name in snapshot.counters.keys.sorted() {
            header(&text, name)
            for (labels, value) in snapshot.counters[name, default: [:]].sorted(by: { $0.key < $1.key }) {
                text += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(labels)} \(value)\n"
            }
        }
        for name in snapshot.histograms.keys.sorted() {
            guard let histogram = snapshot.histograms[name] else { continue }
            header(&text, name)
            for (bound, count) in zip(histogram.bounds, histogram.counts) {
                text += "\(name)_bucket{le=\"\(Self.number(bound))\"} \(count)\n"
            }
            text += "\(name)_bucket{le=\"+Inf\"} \(histogram.count)\n"
            text += "\(name)_sum \(Self.number(histogram.sum))\n\(name)_count \(histogram.count)\n"
        }
        for gauge in gauges.withLock({ $0 }) {
            text += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            let series = gauge.labels.isEmpty ? gauge.name : "\(gauge.name){\(gauge.labels)}"
            text += "\(series) \(Self.number(gauge.read()))\n"
        }
        return text
    }

    private func header(_ text: inout String, _ name: String) {
        if let entry = help[name] {
            text += "# HELP \(name) \(entry.text)\n# TYPE \(name) \(entry.type)\n"
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
