// swift-tools-version: 6.2
import PackageDescription

/// A business's own web app that signs people in through the wechat-login OpenID Connect provider.
/// It depends only on Vapor and vapor/jwt, never on the login server's targets: copy this folder and go.
let package = Package(
    name: "BusinessApp",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/vapor/jwt", from: "5.2.0"),
    ],
    targets: [
        .executableTarget(
            name: "BusinessApp",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "JWT", package: "jwt"),
            ],
            swiftSettings: [.treatAllWarnings(as: .error)]
        ),
        .testTarget(
            name: "BusinessAppTests",
            dependencies: [.target(name: "BusinessApp")],
            swiftSettings: [.treatAllWarnings(as: .error)]
        ),
    ]
)
