import Vapor

func routes(_ app: Application, settings: Settings, metadata: ProviderMetadata, provider: ProviderClient,
            keys: ProviderKeys) throws {
    try app.register(collection: HomeController())
    try app.register(collection: SignInController(settings: settings, metadata: metadata, provider: provider, keys: keys))
    try app.register(collection: SignOutController(settings: settings, metadata: metadata,
                                                   clientID: provider.credentials.client_id))
}
