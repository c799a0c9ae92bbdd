// swift-tools-version: 6.2
import PackageDescription

/// Our own targets build in Swift 6 mode with every warning an error (style guide §15).
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "wechat-login",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "WeChatKit", targets: ["WeChatKit"]),
        .library(name: "WeChatSandbox", targets: ["WeChatSandbox"]),
        .executable(name: "wechat-login", targets: ["wechat-login"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The WeChat protocol as a framework-free library: never imports Vapor or Fluent.
        .target(
            name: "WeChatKit",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // An offline WeChat. Depends on Vapor (and the crypto it needs for pushes), never on WeChatKit:
        // it is the other side of the wire and must not share the client's assumptions.
        .target(
            name: "WeChatSandbox",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "wechat-login",
            dependencies: [
                "WeChatKit",
                "WeChatSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Vapor", package: "vapor"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WeChatKitTests",
            dependencies: ["WeChatKit"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WeChatSandboxTests",
            dependencies: [
                "WeChatSandbox",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // WeChatKit's real client against the sandbox in-process: a real HTTP round trip for every flow.
        .testTarget(
            name: "SandboxRoundTripTests",
            dependencies: ["WeChatKit", "WeChatSandbox", .product(name: "Vapor", package: "vapor")],
            swiftSettings: strict
        ),
    ]
)
