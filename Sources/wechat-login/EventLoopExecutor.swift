import Foundation
import NIOCore
import NIOPosix

/// Runs Swift concurrency's tasks on the process's NIO event loops instead of a separate thread pool.
///
/// Every request handler is async: without this, each request crossed from its event loop to a concurrency
/// thread and back, and each database answer crossed once more. The benchmark's profile showed those hand-offs
/// (futex wake-ups and context switches) as about a third of the server's CPU on two cores. Vapor's own template
/// does the same. Nothing in the server blocks a thread (SQLite runs on NIO's blocking pool).
enum EventLoopExecutor {
    /// Installs NIO's singleton event loop group as the global executor; call it first thing in `main`, on the
    /// main thread. When that is no longer possible everything still works, with the hand-offs; stderr says so.
    static func install() {
        if !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            FileHandle.standardError.write(Data("notice: Swift concurrency stays on its own threads (NIO could not take it over)\n".utf8))
        }
    }
}
