/// Writes the items of many concurrent callers with one statement ("group commit").
///
/// While a batch is being written, new items wait; the next batch takes all of them (up to `maxBatch`). There is no
/// timer: a lone item is written at once, so batching adds no latency when the server is quiet, and under load one
/// statement — one crossing to the database's thread, which costs more than a short statement itself — serves
/// many requests. Each caller gets its own item's result, after its row is written.
///
/// A batch that fails is written again item by item, so one bad item fails only its own caller.
actor StatementBatcher<Item: Sendable, Output: Sendable> {
    /// The writer's name in metrics (`wechat_login_batched_statements_total{writer}` and
    /// `wechat_login_batched_items_total{writer}`: their ratio is the mean batch size).
    nonisolated let name: String
    /// Writes `items` and returns one output per item, in the same order.
    typealias Write = @Sendable (_ items: [Item]) async throws -> [Output]

    private let write: Write
    private let maxBatch: Int
    private var pending: [(item: Item, caller: CheckedContinuation<Output, any Error>)] = []
    private var writing = false
    /// Batches written so far, and the items in them (for tests and tuning).
    private(set) var batches = 0
    private(set) var items = 0

    /// Items waiting for the next batch.
    var pendingCount: Int { pending.count }

    init(name: String, maxBatch: Int = 200, write: @escaping Write) {
        precondition(maxBatch > 0)
        self.name = name
        self.maxBatch = maxBatch
        self.write = write
    }

    /// Writes `item` (with whatever else is waiting) and returns its output.
    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { caller in
            pending.append((item, caller))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            batches += 1
            items += batch.count
            ServerMetrics.batchedWrite(writer: name, items: batch.count)
            do {
                let outputs = try await write(batch.map(\.item))
                guard outputs.count == batch.count else { throw CountMismatch(items: batch.count, outputs: outputs.count) }
                for (entry, output) in zip(batch, outputs) { entry.caller.resume(returning: output) }
            } catch {
                if batch.count == 1 {
                    batch[0].caller.resume(throwing: error)
                    continue
                }
                for entry in batch {
                    do {
                        let outputs = try await write([entry.item])
                        guard outputs.count == 1 else { throw CountMismatch(items: 1, outputs: outputs.count) }
                        entry.caller.resume(returning: outputs[0])
                    } catch {
                        entry.caller.resume(throwing: error)
                    }
                }
            }
        }
        writing = false
    }

    /// The write returned a different number of outputs than it was given items.
    struct CountMismatch: Error, CustomStringConvertible {
        var items: Int
        var outputs: Int
        var description: String { "a batched write returned \(outputs) results for \(items) items" }
    }
}
