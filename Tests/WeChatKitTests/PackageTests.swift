import Testing
@testable import WeChatKit

@Test func versionIsSet() { #expect(!WeChatKit.version.isEmpty) }
