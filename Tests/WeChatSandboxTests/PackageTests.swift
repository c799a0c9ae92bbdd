import Testing
@testable import WeChatSandbox

@Test func sandboxModuleLoads() { #expect(String(describing: WeChatSandbox.self) == "WeChatSandbox") }
