import Testing
@testable import LoginServer

@Suite struct ContactAddressTests {
    @Test(arguments: [
        ("13800138000", "13800138000"), ("+86 138 0013 8000", "13800138000"), ("0086-138-0013-8000", "13800138000"),
        (" 19912345678 ", "19912345678"),
    ])
    func normalisesMobileNumbers(_ raw: String, _ expected: String) {
        #expect(ContactAddress(raw) == .phone(expected))
    }

    @Test(arguments: [("Alice@Example.COM", "alice@example.com"), ("  bob.smith+tag@mail.example.cn ", "bob.smith+tag@mail.example.cn")])
    func normalisesEmails(_ raw: String, _ expected: String) {
        #expect(ContactAddress(raw) == .email(expected))
    }

    @Test(arguments: [
        "", "12345", "23800138000", "1380013800", "138001380001", "12800138000", "phone", "a@b", "@example.com",
        "a@@example.com", "a@example..com", "a@.example.com", "a b@example.com", "<script>@example.com",
        "中文@example.com",
    ])
    func refusesInvalidInput(_ raw: String) {
        #expect(ContactAddress(raw) == nil)
    }

    @Test func refusesOverlongInput() {
        #expect(ContactAddress(String(repeating: "a", count: 250) + "@example.com") == nil)
    }

    @Test func masksForDisplay() {
        #expect(ContactAddress.phone("13800138000").masked == "138****8000")
        #expect(ContactAddress.email("alice@example.com").masked == "a***@example.com")
    }
}
