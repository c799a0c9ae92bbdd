import Testing
import WeChatKit
import WeChatSandbox

@Test func bothModulesLink() { #expect(WeChatKit.version == "0.1.0") }
