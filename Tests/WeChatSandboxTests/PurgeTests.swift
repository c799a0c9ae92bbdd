import Foundation
import Testing
@testable import WeChatSandbox

/// Expired QR sessions are dropped in purges that stay cheap however many live ones there are.
struct PurgeTests {
    @Test func aPurgeThatLeavesMostEntriesWaitsForTheTableToDouble() async {
        let state = SandboxState(configuration: SandboxConfiguration())
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let later = start.addingTimeInterval(3600)
        let threshold = SandboxState.purgeThreshold
        func create(at now: Date) async {
            _ = await state.createQRSession(appID: "wx", redirectURI: "https://a.example/cb", state: "s",
                                            selfRedirect: "false", now: now)
        }
        // Half the table has expired by `later`.
        for index in 0..<threshold { await create(at: index < threshold / 2 ? start : later) }
        await create(at: later)
        #expect(await state.qrSessions.count == threshold / 2 + 1, "the expired half was dropped")
        #expect(await state.nextQRPurge == threshold)

        // Now every session is live: one purge finds nothing to drop, and the next waits for twice the size.
        while await state.qrSessions.count < threshold { await create(at: later) }
        await create(at: later)
        #expect(await state.qrSessions.count == threshold + 1, "nothing had expired")
        #expect(await state.nextQRPurge == 2 * threshold)
    }

    @Test func nextPurgeDoublesWhatIsLeft() {
        #expect(SandboxState.nextPurge(after: 0) == SandboxState.purgeThreshold)
        #expect(SandboxState.nextPurge(after: 6_000) == 12_000)
        #expect(SandboxState.nextPurge(after: 25_000) == 50_000)
    }
}
