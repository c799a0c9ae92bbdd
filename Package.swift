// swift-tools-version: 6.2
import PackageDescription

/// Our own targets build in Swift 6 mode with every warning an error (style guide §15).
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "wechat-login",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "WeChatKit", targets: ["WeChatKit"]),
        .library(name: "WeChatSandbox", targets: ["WeChatSandbox"]),
        .library(name: "WeChatVapor", targets: ["WeChatVapor"]),
        .library(name: "LoginServer", targets: ["LoginServer"]),
        .executable(name: "wechat-login", targets: ["wechat-login"]),
        .executable(name: "wechat-login-bench", targets: ["wechat-login-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/vapor/fluent", from: "4.13.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
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
                .product(name: "CoreMetrics", package: "swift-metrics"),
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
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        // Thin glue for any Vapor app: `app.wechat`, `req.wechat`, WeChatKit errors mapped to HTTP in one place.
        .target(
            name: "WeChatVapor",
            dependencies: ["WeChatKit", .product(name: "Vapor", package: "vapor")],
            swiftSettings: strict
        ),
        // The ready login server: pages, callback, binding, sessions, JSON API (Vapor + Fluent).
        .target(
            name: "LoginServer",
            dependencies: [
                "WeChatKit",
                "WeChatVapor",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA for the OpenID Connect provider's RS256 signing keys.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Webhook deliveries: streaming requests with a timeout, answers read up to a cap.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // The composition root: starts the login server and, in sandbox mode, the embedded sandbox beside it, handing
        // the server the sandbox's URL and credentials as configuration values. The only place the two meet, so
        // `LoginServer` never links the fake WeChat. A library, so its tests can drive the runners.
        .target(
            name: "WeChatLoginApp",
            dependencies: [
                "LoginServer",
                "WeChatKit",
                "WeChatSandbox",
                .product(name: "Vapor", package: "vapor"),
            ],
            swiftSettings: strict
        ),
        // The `wechat-login` command line: ArgumentParser over `WeChatLoginApp`'s runners.
        .executableTarget(
            name: "wechat-login",
            dependencies: [
                "LoginServer",
                "WeChatLoginApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The benchmark harness: starts the sandbox and the server as processes and drives them over loopback.
        .executableTarget(
            name: "wechat-login-bench",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // SHA-256 and random bytes for the OpenID Connect scenario's PKCE, state and nonce.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
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
        .testTarget(
            name: "WeChatVaporTests",
            dependencies: ["WeChatVapor", "WeChatKit", .product(name: "VaporTesting", package: "vapor")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LoginServerTests",
            dependencies: [
                "LoginServer",
                "WeChatSandbox",
                "WeChatLoginApp",
                "WeChatKit",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // The runners: sandbox mode's refusals and the embedded sandbox's address, through the real start-up path.
        .testTarget(
            name: "WeChatLoginAppTests",
            dependencies: [
                "WeChatLoginApp",
                "LoginServer",
                "WeChatKit",
                "WeChatSandbox",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // WeChatKit's real client against the sandbox in-process: a real HTTP round trip for every flow.
        .testTarget(
            name: "SandboxRoundTripTests",
            dependencies: [
                "WeChatKit", "WeChatSandbox",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
    ]
)
