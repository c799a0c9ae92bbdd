import Fluent
import NIOCore

/// A database configuration whose driver keeps exactly one connection, on one event loop, for the whole process.
///
/// Used for SQLite, which has one writer at a time: with a connection per event loop, a connection waiting for the
/// write lock spins on its thread (sqlite-nio's busy handler retries at once) while the holder's next statement
/// waits — the benchmark measured that spinning as most of the server's CPU. One connection serialises the
/// statements instead, which is what SQLite does anyway.
struct SingleConnectionDatabase: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let eventLoop: any EventLoop

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        // The driver builds one pool per event loop of the group it is given: give it a group of one loop.
        let single = Databases(threadPool: databases.threadPool, on: eventLoop)
        return Driver(base: base.makeDriver(for: single), eventLoop: eventLoop)
    }

    private struct Driver: DatabaseDriver {
        let base: any DatabaseDriver
        let eventLoop: any EventLoop

        func makeDatabase(with context: DatabaseContext) -> any Database {
            base.makeDatabase(with: DatabaseContext(
                configuration: context.configuration, logger: context.logger, eventLoop: eventLoop,
                history: context.history, pageSizeLimit: context.pageSizeLimit, shouldTrace: context.shouldTrace))
        }

        func shutdown() { base.shutdown() }

        func shutdownAsync() async { await base.shutdownAsync() }
    }
}
